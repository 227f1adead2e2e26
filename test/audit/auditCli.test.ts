import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { makeRedisAuditLog } from '../../src/audit/redisAuditLog.js';
import { rotor } from './auditCliHarness.js';
import { connect, dropPrefix, redisUrl, rewriteStream, sampleEvent, silentLogger, testPrefix } from './redisTestKit.js';

describe('rotor audit', () => {
  let dir: string;
  let config: string;
  let redis: Redis;
  const prefix = testPrefix();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rotor-audit-cli-'));
    config = join(dir, 'rotor.yaml');
    await writeFile(
      config,
      [
        `redis: { url: '${redisUrl}', prefix: '${prefix}' }`,
        `vault: { address: 'http://127.0.0.1:9', auth: { method: token, token: '\${ROTOR_TEST_UNSET_TOKEN:-unused}' } }`,
        'targets:',
        '  - { id: iam-alice, kind: huawei-iam-user, endpoint: "https://iam.example.com", userId: u1, userName: alice, domainName: acme, secretPath: huawei/iam/alice, maxAge: 30d }',
        '  - { id: iam-bob, kind: huawei-iam-user, endpoint: "https://iam.example.com", userId: u2, userName: bob, domainName: acme, secretPath: huawei/iam/bob, maxAge: 30d }',
      ].join('\n'),
    );
    redis = connect();
    const log = makeRedisAuditLog({ redis, prefix, logger: silentLogger });
    await log.append({
      type: 'rotation.requested',
      actor: 'cli:carol',
      targetId: 'iam-alice',
      detail: { reason: 'leaver' },
    });
    await log.append(sampleEvent(1, { targetId: 'iam-alice' }));
    await log.append({ type: 'rotation.succeeded', actor: 'worker', targetId: 'iam-alice', kind: 'huawei-iam-user' });
    await log.close();
  });

  afterAll(async () => {
    await dropPrefix(redis, prefix);
    redis.disconnect();
    await rm(dir, { recursive: true, force: true });
  });

  it('verify exits 0 on an intact chain and prints its head', async () => {
    const result = await rotor(config, ['verify', '--no-anchors']);
    expect(result).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(
        /^audit chain intact: 3 events, seq 1\.\.3, head [0-9a-f]{64}; anchors not checked \(--no-anchors\)\n$/,
      ),
    });
  });

  it('verify exits 1 when the anchors cannot be read from Vault, saying how to check the links only', async () => {
    expect(await rotor(config, ['verify'])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^cannot check the audit anchors: .*\(--no-anchors checks the links only\)\n$/),
    });
  });

  it('export writes a file that verify --file checks offline, and a tampered copy exits 1 naming the event', async () => {
    const file = join(dir, 'export.jsonl');
    expect(await rotor(config, ['export', '--out', file])).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('3 events'),
    });
    expect(await rotor(config, ['verify', '--file', file])).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('intact'),
    });

    const lines = (await readFile(file, 'utf8')).split('\n');
    lines[2] = lines[2]!.replace('"actor":"worker"', '"actor":"cli:mallory"');
    await writeFile(file, lines.join('\n'));
    const result = await rotor(config, ['verify', '--file', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /audit chain broken: line 3: event #2 \(seq 2, rotation.step iam-alice\) was changed/,
    );
  });

  it('report --no-vault prints JSON by default and writes HTML or CSV to --out', async () => {
    const json = await rotor(config, ['report', '--no-vault']);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as { targets: Array<{ targetId: string; status: string }> };
    expect(report.targets.map((t) => [t.targetId, t.status])).toEqual([
      ['iam-alice', 'compliant'],
      ['iam-bob', 'never-rotated'],
    ]);
    const html = join(dir, 'report.html');
    expect(await rotor(config, ['report', '--no-vault', '--format', 'html', '--out', html])).toMatchObject({
      code: 0,
      stderr: `${html}: 1 of 2 targets compliant\n`,
    });
    expect(await readFile(html, 'utf8')).toContain('<svg id="outcome-chart"');
    const csv = await rotor(config, ['report', '--no-vault', '--format', 'csv', '--since', '2020-01-01']);
    expect(csv.stdout.split('\r\n')[1]).toMatch(
      /^iam-alice,huawei-iam-user,compliant,.*,1,cli:carol,,,default\/huawei-iam-user,,,,$/,
    );
  });

  it('report exits 2 on a bad format or period', async () => {
    expect(await rotor(config, ['report', '--format', 'pdf'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--format'),
    });
    expect(await rotor(config, ['report', '--since', 'last tuesday'])).toMatchObject({ code: 2 });
  });

  it('verify exits 1 naming a deleted event in Redis', async () => {
    await rewriteStream(redis, prefix, (entries) => entries.filter((e) => e.seq !== 2));
    const result = await rotor(config, ['verify', '--no-anchors']);
    expect(result).toMatchObject({ code: 1, stderr: expect.stringContaining('audit chain broken: seq 2 was deleted') });
  });
});
