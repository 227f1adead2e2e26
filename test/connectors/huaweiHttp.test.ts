import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttps, type Server as HttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { HuaweiHttp, retryAfterMs } from '../../src/connectors/huawei/http.js';
import { huaweiHttpSettingsSchema } from '../../src/connectors/huawei/settings.js';
import { silentLogger } from '../../src/observability/logger.js';
import { captureLogger } from './logCapture.js';

const settings = huaweiHttpSettingsSchema.parse({ connectTimeoutMs: 500, responseTimeoutMs: 300 });
const get = { name: 'test.get', method: 'GET' as const, path: '/x', mutating: false, secrets: [] };

describe('the Huawei transport', () => {
  it('parses Retry-After given in seconds or as an HTTP date, and defaults to one second', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('0.5')).toBe(500);
    expect(retryAfterMs(new Date(Date.UTC(2030, 0, 1, 0, 0, 10)).toUTCString(), Date.UTC(2030, 0, 1))).toBe(10_000);
    expect(retryAfterMs(undefined)).toBe(1000);
    expect(retryAfterMs('soon')).toBe(1000);
  });

  it('reports a refused connection as TargetUnchanged: nothing was sent', async () => {
    const http = new HuaweiHttp({
      endpoint: 'http://127.0.0.1:1',
      insecureSkipVerify: false,
      settings,
      logger: silentLogger,
    });
    await expect(http.send({ ...get, mutating: true })).rejects.toMatchObject({ name: 'TargetUnchanged' });
  });

  it('sends a fresh UUID X-Request-Id with every request and logs it', async () => {
    const seen: string[] = [];
    const server = (await import('node:http')).createServer((req, res) => {
      seen.push(String(req.headers['x-request-id']));
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { logger, lines } = captureLogger();
    const http = new HuaweiHttp({
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      insecureSkipVerify: false,
      settings,
      logger,
    });
    const a = await http.send(get);
    const b = await http.send(get);
    server.closeAllConnections();
    server.close();
    expect(seen).toEqual([a.requestId, b.requestId]);
    expect(a.requestId).not.toBe(b.requestId);
    expect(lines.some((l) => l.includes(a.requestId))).toBe(true);
  });
});

// TLS needs a certificate; openssl makes a throwaway CA-less self-signed one for 127.0.0.1.
let hasOpenssl = true;
try {
  execFileSync('openssl', ['version'], { stdio: 'ignore' });
} catch {
  hasOpenssl = false;
}

(hasOpenssl ? describe : describe.skip)('TLS verification', () => {
  let dir: string;
  let server: HttpsServer;
  let endpoint: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rotor-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    server = createHttps(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
      },
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an untrusted certificate as Misconfigured by default', async () => {
    const http = new HuaweiHttp({ endpoint, insecureSkipVerify: false, settings, logger: silentLogger });
    await expect(http.send(get)).rejects.toMatchObject({
      name: 'Misconfigured',
      message: expect.stringContaining('TLS'),
    });
  });

  it('trusts a certificate signed by the configured caFile', async () => {
    const http = new HuaweiHttp({
      endpoint,
      caFile: join(dir, 'cert.pem'),
      insecureSkipVerify: false,
      settings,
      logger: silentLogger,
    });
    await expect(http.send(get)).resolves.toMatchObject({ status: 200, body: { ok: true } });
  });

  it('skips verification only when told to, and says so loudly', async () => {
    const { logger, lines } = captureLogger();
    const http = new HuaweiHttp({ endpoint, insecureSkipVerify: true, settings, logger });
    await expect(http.send(get)).resolves.toMatchObject({ status: 200 });
    expect(lines.some((l) => l.includes('"level":40') && l.includes('TLS VERIFICATION IS OFF'))).toBe(true);
  });
});
