import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { isLoopback } from '../../src/http/exposure.js';
import { startHttpServer, type HttpServer } from '../../src/http/server.js';
import { makeMetrics } from '../../src/observability/metrics.js';
import { makeChaosFixture, type ChaosFixture } from '../chaos/chaosFixture.js';
import { freePort } from '../helpers/ownRedis.js';
import { runCli } from '../helpers/runCli.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function serve(host: string, extra: { token?: string; allowUnauthenticated?: boolean } = {}): Promise<HttpServer> {
  return startHttpServer({
    host,
    port: 0,
    ...extra,
    readiness: async () => ({ redis: true, vault: true }),
    metrics: makeMetrics().registry,
    report: async () => {
      throw new Error('the report is not asked for in these tests');
    },
  });
}

async function answers(url: string): Promise<number | 'refused'> {
  return fetch(url).then(
    (r) => r.status,
    () => 'refused' as const,
  );
}

describe('serving /metrics and /report beyond loopback', () => {
  let server: HttpServer | undefined;
  let fx: ChaosFixture | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await fx?.close();
    fx = undefined;
  });

  it('counts only addresses this host alone can reach as loopback', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1'])
      expect([host, isLoopback(host)]).toEqual([host, true]);
    for (const host of ['0.0.0.0', '::', '10.0.0.5', 'rotor.internal', '127.example.com', '::ffff:10.0.0.1'])
      expect([host, isLoopback(host)]).toEqual([host, false]);
  });

  it('is refused without a token, with a message that says why and how to fix it', async () => {
    await expect(serve('0.0.0.0')).rejects.toThrow(
      /not loopback.*inventory of privileged accounts.*ROTOR_HTTP_TOKEN.*127\.0\.0\.1.*allowUnauthenticated: true/,
    );
  });

  it('is served with a token (bearer required) or when the config allows it without one', async () => {
    server = await serve('0.0.0.0', { token: 'metrics-reader' });
    const local = server.url.replace('0.0.0.0', '127.0.0.1');
    expect(await answers(`${local}/metrics`)).toBe(401);
    expect(await answers(`${local}/healthz`)).toBe(200);
    await server.close();

    server = await serve('0.0.0.0', { allowUnauthenticated: true });
    expect(await answers(`${server.url.replace('0.0.0.0', '127.0.0.1')}/metrics`)).toBe(200);
  });

  it('makes `rotor run` exit with the fix, before it starts anything, on 0.0.0.0 without a token', async () => {
    const port = await freePort();
    const dir = await mkdtemp(join(tmpdir(), 'rotor-http-'));
    const file = join(dir, 'rotor.yaml');
    await writeFile(
      file,
      [
        // Nothing answers at these addresses: the refusal must come before any connection.
        "redis: { url: 'redis://127.0.0.1:1', prefix: rotor }",
        "vault: { address: 'http://127.0.0.1:1', auth: { method: token, token: '${VAULT_TOKEN}' } }",
        `http: { host: 0.0.0.0, port: ${port} }`,
      ].join('\n'),
    );
    const run = await runCli(['--config', file, 'run'], { VAULT_TOKEN: 'unused', ROTOR_HTTP_TOKEN: '' }, 30_000);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${file}: http.host: refusing to serve /metrics and /report on "0.0.0.0"`);
    expect(run.stderr).toMatch(/set ROTOR_HTTP_TOKEN.*bind to 127\.0\.0\.1.*http\.allowUnauthenticated: true/);
    expect(await answers(`http://127.0.0.1:${port}/healthz`)).toBe('refused');
  });

  it('lets `rotor run` serve openly on 0.0.0.0 when the config says allowUnauthenticated: true', async () => {
    const port = await freePort();
    fx = await makeChaosFixture({
      targets: [],
      extra: { http: { host: '0.0.0.0', port, allowUnauthenticated: true } },
    });
    const run = fx.spawnWorker({ ROTOR_HTTP_TOKEN: '' }, 'run');
    const deadline = Date.now() + 30_000;
    while ((await answers(`http://127.0.0.1:${port}/healthz`)) !== 200) {
      if (Date.now() > deadline) throw new Error(`rotor run did not answer:\n${run.output.join('\n')}`);
      await sleep(200);
    }
    expect(await answers(`http://127.0.0.1:${port}/metrics`)).toBe(200);
    expect(run.output.join('\n')).toContain('without a token (allowUnauthenticated)');
    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
  }, 60_000);
});
