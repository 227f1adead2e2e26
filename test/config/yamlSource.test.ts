import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { ConfigError } from '../../src/config/problems.js';
import { cheapPositionBytes, readYamlSource } from '../../src/config/yamlSource.js';

/** What `yaml` alone reads: the reading every config had before, and the one positions come from. */
const byYaml = (text: string): unknown => parse(text, { uniqueKeys: true }) ?? {};

describe('reading the config file', () => {
  it('reads every shipped config as the YAML 1.2 Document reader does', () => {
    for (const file of [
      'config/rotor.yaml',
      'config/rotor.example.yaml',
      'config/controls.yaml',
      'config/examples/http-huawei-iam.yaml',
      'config/examples/http-huawei-meeting.yaml',
      'config/examples/huawei-iam-access-key.yaml',
    ]) {
      const text = readFileSync(file, 'utf8');
      expect({ file, value: readYamlSource(text, file).value }).toEqual({ file, value: byYaml(text) });
    }
  });

  it('types plain scalars exactly as YAML 1.2 core does, where other readers widen them', () => {
    const scalars = [
      '1_000',
      '0b11',
      '0o17',
      '0x1F',
      '012',
      '+5',
      '-0',
      '1e3',
      '1.',
      '.5',
      '-.5e-2',
      '.inf',
      '-.INF',
      '+.Inf',
      '.NaN',
      'yes',
      'no',
      'on',
      'off',
      'y',
      'True',
      'FALSE',
      'tRUE',
      '~',
      'Null',
      'NULL',
      'nULL',
      '2026-12-02',
      '2026-12-02T03:00:00Z',
      '12:30',
      '1:20:30',
      '0.1.2',
      "''",
      '"3"',
      '!!str 3',
      '0x',
      '0o8',
    ];
    const text = scalars.map((s, i) => `k${i}: ${s}`).join('\n') + '\nempty:\nlist: [1, a, ~, true]\n';
    const value = readYamlSource(text, 'scalars.yaml').value;
    expect(value).toEqual(byYaml(text));
    expect(value).toMatchObject({ k0: '1_000', k1: '0b11', k2: 15, k3: 31, k5: 5, k9: 0.5, k15: 'yes' });
  });

  it('reads an empty file as an empty mapping', () => {
    expect(readYamlSource('', 'empty.yaml').value).toEqual({});
    expect(readYamlSource('# only a comment\n', 'empty.yaml').value).toEqual({});
  });

  it('reports invalid YAML with its file, line and column, as before', () => {
    for (const text of ['a: 1\na: 2\n', 'a: [1, 2\n', 'a: 1\n---\nb: 2\n', 'a:\n\t- 1\n']) {
      let error: unknown;
      try {
        readYamlSource(text, 'bad.yaml');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const problem = (error as ConfigError).problems[0];
      expect(problem).toMatchObject({ file: 'bad.yaml', line: expect.any(Number) });
    }
  });

  it('refuses aliases that would expand a small file into a huge value, as the Document reader does', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      lines.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    expect(() => readYamlSource(lines.join('\n'), 'laughs.yaml')).toThrow(/alias/i);
  });

  it('says where a value is written, on the line and column an editor shows', () => {
    const source = readYamlSource('targets:\n  - id: a\n    kind: huawei-iam-user\n', 'where.yaml');
    expect(source.positionOf(['targets', 0, 'kind'])).toEqual({ line: 3, col: 11 });
    expect(source.positionOf(['targets', 0, 'kind'], 'key')).toEqual({ line: 3, col: 5 });
  });

  it('gives a warning of a large file its YAML path alone, and an error its line whatever the size', () => {
    const fillerLines = Math.ceil(cheapPositionBytes / 9);
    const large = `${'# filler\n'.repeat(fillerLines)}vault:\n  token: literal\n`;
    const source = readYamlSource(large, 'large.yaml');
    expect(source.positionIfCheap(['vault', 'token'])).toBeUndefined();
    expect(source.positionOf(['vault', 'token'])).toEqual({ line: fillerLines + 2, col: 10 });
    // Once the Document is there, warnings use it too.
    expect(source.positionIfCheap(['vault', 'token'])).toEqual({ line: fillerLines + 2, col: 10 });
    const small = readYamlSource('vault:\n  token: literal\n', 'small.yaml');
    expect(small.positionIfCheap(['vault', 'token'])).toEqual({ line: 2, col: 10 });
  });

  it('gives an alias its own copy in each place it is used, so that changing one place leaves the others', () => {
    const value = readYamlSource('a: &x {k: "${V}", list: [1]}\nb: *x\nc: [*x, *x]\n', 'alias.yaml').value as {
      a: object;
      b: object;
      c: object[];
    };
    expect(value.b).toEqual(value.a);
    expect(new Set([value.a, value.b, ...value.c]).size).toBe(4);
  });
});
