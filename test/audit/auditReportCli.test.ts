import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { makeRedisAuditLog } from '../../src/audit/redisAuditLog.js';
import { rotor } from './auditCliHarness.js';
import { connect, dropPrefix, redisUrl, sampleEvent, silentLogger, testPrefix } from './redisTestKit.js';

describe('rotor audit report: history, evidence, signatures', () => {
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

  it('report --target gives that one target with its history, and exits 2 on an id not in the config', async () => {
    const one = await rotor(config, ['report', '--no-vault', '--target', 'iam-alice', '--since', '2020-01-01']);
    expect(one.code).toBe(0);
    const report = JSON.parse(one.stdout) as {
      scope: unknown;
      targets: Array<{ targetId: string }>;
      history: { scope: string; targets: Array<{ targetId: string; entries: Array<{ kind: string; actor: string }> }> };
    };
    expect(report.scope).toEqual({ targetId: 'iam-alice' });
    expect(report.targets.map((t) => t.targetId)).toEqual(['iam-alice']);
    expect(report.history.targets[0]?.entries.map((e) => [e.kind, e.actor])).toEqual([
      ['rotation', 'worker'],
      ['request', 'cli:carol'],
    ]);
    expect(await rotor(config, ['report', '--no-vault', '--target', 'iam-zed'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--target: no target with id "iam-zed" in the config'),
    });
  });

  it('report carries its evidence: the chain verified at generation with its head, the config digest, the controls', async () => {
    const verify = await rotor(config, ['verify', '--no-anchors']);
    const head = /head ([0-9a-f]{64})/.exec(verify.stdout)?.[1];
    const report = JSON.parse((await rotor(config, ['report', '--no-vault'])).stdout) as {
      generator: { rotorVersion: string; configDigest: string };
      evidence: {
        chain: { checked: boolean; intact: boolean; head: { seq: number; hash: string } };
        controls: unknown[];
      };
    };
    expect(report.evidence.chain).toMatchObject({ checked: true, intact: true, head: { seq: 3, hash: head } });
    expect(report.evidence.controls).toHaveLength(4);
    const digest = createHash('sha256')
      .update(await readFile(config))
      .digest('hex');
    expect(report.generator).toEqual({
      rotorVersion: expect.stringMatching(/^\d+\.\d+\.\d+/),
      configDigest: `sha256:${digest}`,
    });
  });

  it('report exits 2 naming the line of a broken control mapping (audit.controls)', async () => {
    const mapping = join(dir, 'controls.yaml');
    await writeFile(
      mapping,
      'controls:\n  - { framework: X, id: 1, title: T, requirement: R, evidence: [{ figure: pie, shows: S }] }\n',
    );
    const withMapping = join(dir, 'with-controls.yaml');
    await writeFile(withMapping, `${await readFile(config, 'utf8')}\naudit: { controls: '${mapping}' }\n`);
    const result = await rotor(withMapping, ['report', '--no-vault']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `${mapping}:2:75: controls[0].evidence[0].figure: expected one of the report's figures`,
    );
  });

  it('report --sign writes a signature that verify-report accepts, and rejects once a byte changes', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const keyFile = join(dir, 'signing.pem');
    await writeFile(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const pub = join(dir, 'signing.pub.pem');
    await writeFile(pub, publicKey.export({ type: 'spki', format: 'pem' }));
    const signing = join(dir, 'signing.yaml');
    await writeFile(signing, `${await readFile(config, 'utf8')}\naudit: { signing: { keyFile: '${keyFile}' } }\n`);
    const html = join(dir, 'signed.html');
    const made = await rotor(signing, ['report', '--no-vault', '--format', 'html', '--out', html, '--sign']);
    expect(made).toMatchObject({
      code: 0,
      stderr: expect.stringMatching(/signed\.html\.sig: signed by key sha256:[0-9a-f]{16} over sha256:/),
    });
    const digest = /<code id="report-digest">(sha256:[0-9a-f]{64})<\/code>/.exec(await readFile(html, 'utf8'))?.[1];
    expect(await rotor(signing, ['verify-report', html, '--public-key', pub])).toMatchObject({
      code: 0,
      stdout: expect.stringContaining(`signature valid: signed `),
    });
    expect((await rotor(signing, ['verify-report', html])).stdout).toContain(`(not pinned: pass --public-key`);
    expect((await rotor(signing, ['verify-report', html])).stdout).toContain(`report digest ${digest}`);

    const bytes = await readFile(html);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = (bytes[middle] as number) ^ 0x20;
    await writeFile(html, bytes);
    expect(await rotor(signing, ['verify-report', html, '--public-key', pub])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('signature check FAILED: the report was changed after it was signed'),
    });
    expect(made.stderr + made.stdout).not.toContain('PRIVATE KEY');
  });

  it('report --sign exits 2 without --out, without a key configured, or with a key that is not Ed25519', async () => {
    expect(await rotor(config, ['report', '--no-vault', '--sign'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--sign needs --out'),
    });
    expect(await rotor(config, ['report', '--no-vault', '--sign', '--out', join(dir, 'x.json')])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--sign needs a key: set audit.signing.keyFile'),
    });
    const rsa = join(dir, 'rsa.pem');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    await writeFile(rsa, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const withRsa = join(dir, 'rsa.yaml');
    await writeFile(withRsa, `${await readFile(config, 'utf8')}\naudit: { signing: { keyFile: '${rsa}' } }\n`);
    const result = await rotor(withRsa, ['report', '--no-vault', '--sign', '--out', join(dir, 'y.json')]);
    expect(result).toMatchObject({ code: 2, stderr: expect.stringContaining('expected an Ed25519 key, got rsa') });
    expect(result.stderr).not.toContain('PRIVATE KEY');
  });
});
