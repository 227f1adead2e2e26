import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import { repoRoot } from '../helpers/runCli.js';
import { commandText, composePath, readCompose, readRepoFile } from './composeFile.js';

/**
 * The Compose Specification's JSON schema (compose-spec/compose-spec, schema/compose-spec.json), as
 * shipped in the dclint package, so the file is checked even where no docker CLI is installed.
 */
function composeSchema(): Record<string, unknown> {
  const pkg = createRequire(import.meta.url).resolve('dclint/package.json');
  const schema = JSON.parse(readFileSync(join(dirname(pkg), 'schemas', 'compose.schema.json'), 'utf8'));
  // The draft-07 meta-schema is Ajv's default; its https spelling of the URI is not a known id.
  delete schema.$schema;
  return schema as Record<string, unknown>;
}

function dockerComposeAvailable(): boolean {
  try {
    execFileSync('docker', ['compose', 'version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const compose = readCompose();
const services = compose.services;
const hasCompose = dockerComposeAvailable();
if (!hasCompose) {
  process.stderr.write(
    'docker compose config check skipped: no docker CLI with the compose plugin; docker-compose.yml is still checked against the Compose schema\n',
  );
}

describe('docker-compose.yml', () => {
  it('follows the Compose Specification', () => {
    const validate = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true }).compile(composeSchema());
    const ok = validate(compose);
    expect(ok ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`)).toEqual([]);
  });

  (hasCompose ? it : it.skip)('is accepted by docker compose config', () => {
    execFileSync('docker', ['compose', '-f', composePath, 'config', '-q'], { cwd: repoRoot, stdio: 'pipe' });
  });

  it('starts a service only once what it depends on is healthy or has finished', () => {
    const waits: string[] = [];
    for (const [name, service] of Object.entries(services)) {
      const deps = service.depends_on;
      if (deps === undefined) continue;
      // The short list form only waits for the containers to start, not for them to be ready.
      expect({ name, form: Array.isArray(deps) ? 'list' : 'conditions' }).toEqual({ name, form: 'conditions' });
      for (const [dep, { condition }] of Object.entries(deps as Record<string, { condition?: string }>)) {
        expect({ name, dep, condition }).toEqual({
          name,
          dep,
          condition: expect.stringMatching(/^service_(healthy|completed_successfully)$/),
        });
        if (condition === 'service_healthy')
          expect({ dep, healthcheck: services[dep]?.healthcheck?.test }).toEqual({
            dep,
            healthcheck: expect.anything(),
          });
        waits.push(`${name}->${dep}`);
      }
    }
    expect(waits.sort()).toEqual(['rotor->redis', 'rotor->sim', 'rotor->vault', 'sim->vault']);
  });

  it('has healthchecks on redis, vault and the simulator, the last one waiting for seeding', () => {
    for (const name of ['redis', 'vault', 'sim', 'rotor']) {
      const check = services[name]?.healthcheck;
      expect({ name, test: check?.test, disable: check?.disable }).toEqual({
        name,
        test: expect.anything(),
        disable: undefined,
      });
    }
    expect(commandText(services.sim?.healthcheck?.test)).toContain('docker/simReady.ts');
    expect(commandText(services.sim?.command)).toContain('--seed');
  });

  it('installs dependencies once, in the image, never from a container at start', () => {
    for (const [name, service] of Object.entries(services)) {
      const runs = `${commandText(service.entrypoint)} ${commandText(service.command)}`;
      expect({ name, runs }).not.toEqual({ name, runs: expect.stringMatching(/\bnpm (ci|install|i)\b|\byarn\b/) });
      // A bind mount of the checkout over the app would hide the image's node_modules and share the host's.
      for (const volume of service.volumes ?? []) {
        const source = typeof volume === 'string' ? volume.split(':')[0] : volume.source;
        expect({ name, source }).not.toEqual({ name, source: expect.stringMatching(/^\.\/?$/) });
      }
    }
    const built = Object.entries(services).filter(([, s]) => s.build !== undefined);
    expect(new Set(built.map(([, s]) => JSON.stringify([s.build, s.image]))).size).toBe(1);
    expect([services.sim?.image, services.rotor?.image]).toEqual([built[0]?.[1].image, built[0]?.[1].image]);
  });
});

describe('the Dockerfile', () => {
  const dockerfile = readRepoFile('Dockerfile');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const finalStage = instructions.slice(instructions.map((l) => l.startsWith('FROM ')).lastIndexOf(true));

  it('builds in stages and installs the locked dependencies in exactly one step', () => {
    expect(instructions.filter((l) => l.startsWith('FROM ')).length).toBeGreaterThanOrEqual(2);
    const installs = instructions.filter((l) => /^RUN .*\bnpm (ci|install|i)\b/.test(l));
    expect(installs).toEqual([expect.stringMatching(/^RUN npm ci --omit=dev\b/)]);
  });

  it('runs as an unprivileged user', () => {
    const users = finalStage.filter((l) => l.startsWith('USER '));
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^USER (root|0)(:|$)/);
  });

  it('copies only files that exist and that .dockerignore lets through', () => {
    const ignored = readRepoFile('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', '.git']));
    const sources = instructions
      .filter((l) => l.startsWith('COPY ') && !l.includes('--from='))
      .flatMap((l) => l.split(/\s+/).slice(1, -1));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of new Set(sources)) {
      expect({ source, ignored: ignored.includes(source) }).toEqual({ source, ignored: false });
      expect({ source, exists: existsSync(join(repoRoot, source)) }).toEqual({ source, exists: true });
    }
  });
});
