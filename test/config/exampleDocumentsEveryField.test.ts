import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { isMap, isPair, isScalar, isSeq, LineCounter, parse, parseDocument, type Node, type Pair } from 'yaml';
import { z } from 'zod';
import { interpolateValue } from '../../src/config/interpolate.js';
import { configSchema } from '../../src/config/schema.js';
import { literalOf, unwrap } from '../../src/config/schemaWalk.js';

/**
 * The example config promises to document every field the schema accepts, with its default. These
 * tests walk the zod schemas (root config, every connector's target schema, policies, every nested
 * object) next to the example's YAML, commented-out lines included, so a new field without a line in
 * the example, or a default that changed in code only, fails here.
 */

const keyLine = /^(\s*)(- )?[A-Za-z_][A-Za-z0-9_]*:(\s.*)?$/;

/** Turns `# key: value` lines (at any depth of `#`) back into YAML; prose comments stay comments. */
function uncomment(text: string): string {
  const once = (line: string): string | undefined => {
    const m = /^(\s*)# ?(.*)$/.exec(line);
    if (!m) return keyLine.test(line) ? line : undefined;
    return once(`${m[1]}${m[2]}`);
  };
  return text
    .split('\n')
    .map((line) => (line.trimStart().startsWith('#') ? (once(line) ?? line) : line))
    .join('\n');
}

interface Walk {
  /** Every key path the schema accepts, e.g. `targets[](kind: huawei-iam-user).userId`. */
  paths: string[];
  missing: string[];
  /** Paths of the fields with a default, each checked against the example. */
  defaults: string[];
  wrongDefaults: string[];
}

const keyOf = (p: Pair): unknown => (isScalar(p.key) ? p.key.value : undefined);
const mapsOf = (nodes: unknown[]) => nodes.filter(isMap);

/** A section (`redis`, `targets`) defaults to its fields' defaults; those are checked one by one. */
function isSection(schema: z.ZodType): boolean {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodArray) return isSection(inner.element as z.ZodType);
  if (inner instanceof z.ZodUnion) return (inner.options as z.ZodType[]).some(isSection);
  return inner instanceof z.ZodObject || inner instanceof z.ZodRecord;
}

/** A default written as `(default X)` / `default: X` in the comment on the key's own line. */
function commentDefaults(line: string): unknown[] {
  const comment = line.slice(line.indexOf(' #') + 1);
  const found = [...comment.matchAll(/\bdefault:?\s+(\[[^\]]*\]|'[^']*'|"[^"]*"|[^\s;,)]+)/g)];
  return found.map((m) => parse(m[1] as string) as unknown);
}

function walkExample(text: string): Walk {
  const lines = new LineCounter();
  const uncommented = uncomment(text);
  const doc = parseDocument(uncommented, { lineCounter: lines, uniqueKeys: false });
  if (doc.errors.length > 0) throw new Error(`the uncommented example does not parse: ${doc.errors[0]?.message}`);
  const source = uncommented.split('\n');
  const out: Walk = { paths: [], missing: [], defaults: [], wrongDefaults: [] };

  const checkDefault = (schema: z.ZodType, pairs: Pair[], path: string) => {
    const fallback = schema.safeParse(undefined);
    if (!fallback.success || isSection(schema)) return;
    const wanted: unknown = fallback.data;
    out.defaults.push(path);
    const documented = pairs.flatMap((p) => {
      const key = p.key as Node;
      const line = source[lines.linePos(key.range?.[0] ?? 0).line - 1] ?? '';
      const value = interpolateValue((p.value as Node | null)?.toJSON() ?? null, {}, []);
      return [value, ...commentDefaults(line)];
    });
    const matches = documented.some((v) => {
      const parsed = schema.safeParse(v);
      return parsed.success && isDeepStrictEqual(parsed.data, wanted);
    });
    if (!matches) out.wrongDefaults.push(`${path}: the default is ${JSON.stringify(wanted)}`);
  };

  const walk = (schema: z.ZodType, nodes: unknown[], path: string, pairs: Pair[]): void => {
    if (schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault) checkDefault(schema, pairs, path);
    if (
      schema instanceof z.ZodDefault ||
      schema instanceof z.ZodPrefault ||
      schema instanceof z.ZodOptional ||
      schema instanceof z.ZodNullable
    ) {
      return walk(schema.unwrap() as z.ZodType, nodes, path, pairs);
    }
    if (schema instanceof z.ZodPipe) return walk(schema.in as z.ZodType, nodes, path, pairs);
    if (schema instanceof z.ZodObject) return walkObject(schema.shape, mapsOf(nodes), path);
    if (schema instanceof z.ZodArray) {
      const items = nodes.filter(isSeq).flatMap((s) => s.items);
      return walk(schema.element as z.ZodType, items, `${path}[]`, []);
    }
    if (schema instanceof z.ZodRecord) {
      const entries = mapsOf(nodes).flatMap((m) => m.items.filter(isPair));
      const values = entries.map((p) => p.value);
      return walk(schema.valueType as z.ZodType, values, `${path}.<name>`, entries);
    }
    if (schema instanceof z.ZodDiscriminatedUnion) return walkTagged(schema, mapsOf(nodes), path);
    if (schema instanceof z.ZodUnion) {
      for (const option of schema.options as z.ZodType[]) walk(option, nodes, path, pairs);
    }
  };

  const walkObject = (shape: Record<string, z.ZodType>, maps: unknown[], path: string, only?: Set<string>) => {
    for (const [key, field] of Object.entries(shape)) {
      if (only && !only.has(key)) continue;
      const at = path ? `${path}.${key}` : key;
      out.paths.push(at);
      const pairs = mapsOf(maps).flatMap((m) => m.items.filter((p) => isPair(p) && keyOf(p) === key)) as Pair[];
      if (pairs.length === 0) out.missing.push(at);
      else
        walk(
          field,
          pairs.map((p) => p.value),
          at,
          pairs,
        );
    }
  };

  /** Keys every option has (a target's `id`) may be shown on any of them; the others on their own option. */
  const walkTagged = (schema: z.ZodDiscriminatedUnion, maps: unknown[], path: string) => {
    const tag = schema.def.discriminator;
    const options = (schema.options as z.ZodType[]).filter((o) => o instanceof z.ZodObject);
    const common = new Set(Object.keys(options[0]?.shape ?? {}).filter((k) => options.every((o) => k in o.shape)));
    if (options[0]) walkObject(options[0].shape, maps, path, common);
    for (const option of options) {
      const value = literalOf(option, tag);
      const own = mapsOf(maps).filter((m) =>
        m.items.some((p) => isPair(p) && keyOf(p) === tag && isScalar(p.value) && p.value.value === value),
      );
      const rest = new Set(Object.keys(option.shape).filter((k) => !common.has(k)));
      if (rest.size > 0 && own.length === 0) out.missing.push(`${path}(${tag}: ${String(value)})`);
      else walkObject(option.shape, own, `${path}(${tag}: ${String(value)})`, rest);
    }
  };

  walk(configSchema, [doc.contents], '', []);
  return out;
}

const example = readFileSync(new URL('../../config/rotor.example.yaml', import.meta.url), 'utf8');

describe('config/rotor.example.yaml', () => {
  it('shows every key the config schema accepts, as a line or a commented-out line', () => {
    const walk = walkExample(example);
    expect(walk.missing).toEqual([]);
    // The walk reaches into every connector's schema and every nested object, not just the top level.
    expect(walk.paths).toEqual(
      expect.arrayContaining([
        'scheduling.maintenanceWindow.days',
        'vault.auth(method: approle).secretIdFile',
        'policies.<name>.mustNotContainNames',
        'targets[].http.ratePerSecond',
        'targets[].refusedLoginWindowMs',
        'targets[](kind: huawei-iam-user).errorCodes.cooldown',
        'targets[](kind: huawei-meeting-user).auth(method: app).userId',
        'targets[](kind: huawei-cbh-admin).apiVersion',
      ]),
    );
  });

  it('states the default of every field that has one, as the value or as "(default X)"', () => {
    const walk = walkExample(example);
    expect(walk.wrongDefaults).toEqual([]);
    expect(walk.defaults).toEqual(
      expect.arrayContaining([
        'redis.url',
        'scheduling.runTtl',
        'targets[].http.ratePerSecond',
        'targets[](kind: huawei-meeting-user).language',
        'targets[](kind: huawei-iam-user).errorCodes.policy',
        'policies.<name>.exclude',
      ]),
    );
  });

  it('notices a field whose line is removed, and a default written wrong', () => {
    const walk = walkExample(
      example
        .replace(/^.*#\s+rateBurst: 5.*\n/m, '')
        .replace('# sweepEvery: 15m', '# sweepEvery: 10m')
        .replace('lower: 2 # minimum lowercase letters (default 1)', 'lower: 2 # minimum lowercase letters'),
    );
    expect(walk.missing).toEqual(['targets[].http.rateBurst']);
    expect(walk.wrongDefaults).toEqual([
      'policies.<name>.lower: the default is 1',
      'scheduling.sweepEvery: the default is 900000',
    ]);
  });

  it('reads commented-out `# key: value` lines as YAML and leaves prose comments alone', () => {
    expect(uncomment('a:\n  # b: 1   # note\n  #   c: [x]\n# Check a file with: rotor\n  #   # d: 2')).toBe(
      'a:\n  b: 1   # note\n    c: [x]\n# Check a file with: rotor\n    d: 2',
    );
  });
});
