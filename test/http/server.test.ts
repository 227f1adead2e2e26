import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Redis } from 'ioredis';
import { makeRedisAuditLog, type AuditLog } from '../../src/audit/redisAuditLog.js';
import { makeReportProvider, readLastRotations } from '../../src/audit/reportProvider.js';
import { startHttpServer, type HttpServer } from '../../src/http/server.js';
import { makeMetrics, type RotorMetrics } from '../../src/observability/metrics.js';
import type { SecretVersion } from '../../src/types/secretStore.js';
import { connect, dropPrefix, silentLogger, testPrefix } from '../audit/redisTestKit.js';
import { parsePromText } from './promText.js';

const token = 'test-http-token-5b1d';
const password = 'Live-Pa55word!-never-served';
const d = 86_400_000;

/** A Vault stand-in whose secrets hold a real-looking password next to the metadata the report uses. */
const store = {
  async readSecret(path: string): Promise<SecretVersion | null> {
    if (path === 'huawei/iam/nobody') return null;
    return {
      data: { password, username: 'alice' },
      password,
      version: 3,
      customMetadata: {
        rotated_at: new Date(Date.now() - 2 * d).toISOString(),
        rotation_id: 'r1',
        rotor_target: 'iam-alice',
      },
      createdTime: new Date().toISOString(),
    };
  },
};

describe('startHttpServer', () => {
  let redis: Redis;
  let prefix: string;
  let audit: AuditLog;
  let metrics: RotorMetrics;
  let server: HttpServer;
  const targets = [
    { id: 'iam-alice', kind: 'huawei-iam-user' as const, maxAge: 30 * d, secretPath: 'huawei/iam/alice' },
    { id: 'iam-nobody', kind: 'huawei-iam-user' as const, maxAge: 30 * d, secretPath: 'huawei/iam/nobody' },
  ];
  const get = (path: string, auth = true, method = 'GET') =>
    fetch(`${server.url}${path}`, { method, headers: auth ? { Authorization: `Bearer ${token}` } : {} });

  beforeAll(async () => {
    redis = connect();
    prefix = testPrefix();
    audit = makeRedisAuditLog({ redis, prefix, logger: silentLogger });
    await audit.append({
      type: 'rotation.requested',
      actor: 'cli:alice',
      targetId: 'iam-alice',
      detail: { reason: 'audit' },
    });
    await audit.append({ type: 'rotation.succeeded', actor: 'worker', targetId: 'iam-alice', outcome: 'succeeded' });
    metrics = makeMetrics({ queueDepth: async () => ({ waiting: 4, active: 1, delayed: 2 }) });
    server = await startHttpServer({
      port: 0,
      token,
      readiness: async () => ({ redis: true, vault: true }),
      metrics: metrics.registry,
      report: makeReportProvider({ targets, auditLog: audit, lastRotations: () => readLastRotations(store, targets) }),
    });
  });

  afterAll(async () => {
    await server.close();
    await audit.close();
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  it('listens on loopback by default', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers /healthz and /readyz without a token', async () => {
    const health = await get('/healthz', false);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const ready = await get('/readyz', false);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready', redis: true, vault: true }]);
  });

  it('requires the bearer token on /metrics and /report', async () => {
    for (const path of ['/metrics', '/report', '/report?format=json']) {
      const res = await get(path, false);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="rotor"');
      const wrong = await fetch(`${server.url}${path}`, { headers: { Authorization: 'Bearer not-it' } });
      expect(wrong.status).toBe(401);
    }
  });

  it('serves /metrics as valid Prometheus text with every rotor metric', async () => {
    metrics.countRotation('huawei-iam-user', 'succeeded');
    metrics.countRotation('huawei-iam-user', 'succeeded');
    metrics.countRotation('huawei-cbh-admin', 'failed');
    metrics.observeStep('huawei-iam-user', 'commit', 0.42);
    metrics.observeStep('huawei-iam-user', 'commit', 3);
    metrics.setTargetsOutOfSync(1);
    metrics.setOldestPasswordAge('huawei-iam-user', 86_400);
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = parsePromText(await res.text());
    const value = (name: string, labels: Record<string, string> = {}) =>
      families
        .get(name.replace(/_(bucket|count|sum)$/, ''))
        ?.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    expect(value('rotor_rotations_total', { kind: 'huawei-iam-user', outcome: 'succeeded' })).toBe(2);
    expect(value('rotor_rotations_total', { kind: 'huawei-cbh-admin', outcome: 'failed' })).toBe(1);
    expect(value('rotor_rotation_duration_seconds_count', { kind: 'huawei-iam-user', step: 'commit' })).toBe(2);
    expect(value('rotor_rotation_duration_seconds_bucket', { step: 'commit', le: '0.5' })).toBe(1);
    expect(value('rotor_oldest_password_age_seconds', { kind: 'huawei-iam-user' })).toBe(86_400);
    expect(value('rotor_targets_out_of_sync')).toBe(1);
    expect(value('rotor_queue_depth', { state: 'waiting' })).toBe(4);
    expect(families.get('rotor_rotation_duration_seconds')?.type).toBe('histogram');
    expect(families.has('process_cpu_user_seconds_total')).toBe(true);
  });

  it('serves the report as HTML with a CSP, and as JSON or CSV on request', async () => {
    const html = await get('/report');
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await html.text()).toContain('<svg id="age-chart"');

    const json = (await (await get('/report?format=json&since=7d')).json()) as {
      summary: { byStatus: Record<string, number> };
      targets: Array<{ targetId: string; status: string; onDemandRequests: unknown[] }>;
    };
    expect(json.targets.map((t) => [t.targetId, t.status])).toEqual([
      ['iam-alice', 'compliant'],
      ['iam-nobody', 'never-rotated'],
    ]);
    expect(json.targets[0]?.onDemandRequests).toEqual([
      expect.objectContaining({ actor: 'cli:alice', reason: 'audit' }),
    ]);
    const csv = await get('/report?format=csv');
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect((await csv.text()).split('\r\n')[1]).toMatch(/^iam-alice,huawei-iam-user,compliant,/);
  });

  it('never serves the password that sits in the secrets it reports on', async () => {
    const bodies = await Promise.all(
      ['/report', '/report?format=json', '/report?format=csv', '/metrics', '/healthz', '/readyz'].map(async (p) =>
        (await get(p)).text(),
      ),
    );
    for (const body of bodies) expect(body).not.toContain(password);
  });

  it('answers 400 to a bad format or period, 404 to unknown paths and 405 to other methods', async () => {
    expect((await get('/report?format=pdf')).status).toBe(400);
    const bad = await get('/report?since=yesterday');
    expect([bad.status, await bad.text()]).toEqual([400, expect.stringContaining('since: expected an ISO date')]);
    expect((await get('/report?since=2025-03-02&until=2025-03-01')).status).toBe(400);
    expect((await get('/nope')).status).toBe(404);
    expect((await get('/metrics', true, 'POST')).status).toBe(405);
  });
});
