import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { connectorKinds } from '../../src/connectors/registry.js';
import { repoRoot } from '../helpers/runCli.js';

const depcruise = join(repoRoot, 'node_modules', '.bin', 'depcruise');
const rules = join(repoRoot, '.dependency-cruiser.cjs');

function cruise(cwd: string, paths: string[]) {
  const run = spawnSync(depcruise, [...paths, '--config', rules], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

/** A throwaway tree shaped like rotor's, holding the given files. */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rotor-layers-'));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }),
  );
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('the layer rules (npm run lint:layers)', () => {
  it('pass on rotor as it is', () => {
    const { code, output } = cruise(repoRoot, ['src', 'jobs', 'bin']);
    expect(output).toContain('no dependency violations found');
    expect(code).toBe(0);
  }, 120_000);

  it('fail on an import that runs back up, into jobs/, or into the simulators, naming each rule', () => {
    const dir = tree({
      'src/rotation/engine.ts': 'export const engine = 1;\n',
      'src/errors/wrong.ts': "import { engine } from '../rotation/engine.js';\nexport const e = engine;\n",
      'jobs/rotate.ts': 'export const processor = 1;\n',
      'src/queue/worker.ts': "import { processor } from '../../jobs/rotate.js';\nexport const w = processor;\n",
      'src/dev/sim.ts': 'export const sim = 1;\n',
      'src/app/rotor.ts': "import { sim } from '../dev/sim.js';\nexport const r = sim;\n",
      'src/cli/commands/demo.ts': "import { sim } from '../../dev/sim.js';\nexport const d = sim;\n",
    });
    try {
      const { code, output } = cruise(dir, ['src', 'jobs']);
      expect(code).not.toBe(0);
      expect(output).toMatch(/upward-from-leaves: src\/errors\/wrong\.ts → src\/rotation\/engine\.ts/);
      expect(output).toMatch(/library-imports-jobs: src\/queue\/worker\.ts → jobs\/rotate\.ts/);
      expect(output).toMatch(/dev-only-from-demo-and-sim: src\/app\/rotor\.ts → src\/dev\/sim\.ts/);
      // The demo command may use the simulator.
      expect(output).not.toMatch(/src\/cli\/commands\/demo\.ts →/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

/** Every production source file (src/ without the simulators, jobs/, bin/), relative to the repo. */
function productionFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(repoRoot, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(`${dir}/${e.name}`) : e.name.endsWith('.ts') ? [`${dir}/${e.name}`] : [],
    );
  return ['src', 'jobs', 'bin'].flatMap(walk).filter((f) => !f.startsWith('src/dev/'));
}

describe('kinds in production code', () => {
  const files = productionFiles().map((path) => ({ path, text: readFileSync(join(repoRoot, path), 'utf8') }));

  it('name each kind only in its own folder and the registry', () => {
    for (const kind of connectorKinds) {
      // A kind that is also an ordinary word (`http`) is named when it is a string literal in code: not
      // in a comment, not an index like config['http']. The registry maps it by an unquoted key.
      const word = /^[a-z]+$/.test(kind);
      const literal = new RegExp(`(?<![\\[\\w])(['"\`])${kind}\\1`);
      const names = (text: string) =>
        word ? literal.test(text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')) : text.includes(kind);
      const naming = files.filter((f) => names(f.text)).map((f) => f.path);
      expect(naming.filter((p) => !p.startsWith(`src/connectors/${kind}/`))).toEqual(
        word ? [] : ['src/connectors/registry.ts'],
      );
      if (word) expect(files.find((f) => f.path === 'src/connectors/registry.ts')?.text).toMatch(`  ${kind}: `);
    }
  });

  it('never branch on a target’s kind outside a connector folder', () => {
    const outside = files.filter(
      (f) => !/^src\/connectors\/[^/]+\//.test(f.path) || f.path.startsWith('src/connectors/huawei/'),
    );
    const kindLiteral = new RegExp(`kind\\s*[!=]==\\s*['"\`](?:${connectorKinds.join('|')})`);
    const branching = outside.filter((f) => kindLiteral.test(f.text) || /\btarget\.kind\s*[!=]==/.test(f.text));
    expect(branching.map((f) => f.path)).toEqual([]);
    // The check itself sees the comparison it forbids.
    expect(kindLiteral.test(`if (target.kind === '${connectorKinds[0]}')`)).toBe(true);
  });
});
