import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import type { Redis } from 'ioredis';
import { makeRedisAuditLog } from '../../src/audit/redisAuditLog.js';
import { registerAuditCommand } from '../../src/cli/commands/audit.js';
import { CliExit } from '../../src/cli/exitCodes.js';
import { connect, dropPrefix, redisUrl, rewriteStream, sampleEvent, silentLogger, testPrefix } from './redisTestKit.js';

/** Runs `rotor audit ...` in-process (as main.ts does: CliExit → exit code) and captures its output. */
async function rotor(configPath: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const program = new Command('rotor').exitOverride();
  program.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerAuditCommand(program, () => ({ configPath }));
  const out = { stdout: '', stderr: '' };
  const saved = { out: process.stdout.write, err: process.stderr.write };
  process.stdout.write = ((chunk: string | Uint8Array) => (
    (out.stdout += String(chunk)),
    true
  )) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => (
    (out.stderr += String(chunk)),
    true
  )) as typeof process.stderr.write;
  try {
    await program.parseAsync(['node', 'rotor', 'audit', ...args]);
    return { code: 0, ...out };
  } catch (err) {
    if (err instanceof CliExit)
      return { code: err.exitCode, stdout: out.stdout, stderr: `${out.stderr}${err.message}\n` };
    throw err;
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
  }
}

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
    const result = await rotor(config, ['verify']);
    expect(result).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^audit chain intact: 3 events, seq 1\.\.3, head [0-9a-f]{64}\n$/),
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
      /^iam-alice,huawei-iam-user,compliant,.*,1,cli:carol,,,default\/huawei-iam-user,,,$/,
    );
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
    const verify = await rotor(config, ['verify']);
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

  it('report exits 2 on a bad format or period', async () => {
    expect(await rotor(config, ['report', '--format', 'pdf'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--format'),
    });
    expect(await rotor(config, ['report', '--since', 'last tuesday'])).toMatchObject({ code: 2 });
  });

  it('verify exits 1 naming a deleted event in Redis', async () => {
    await rewriteStream(redis, prefix, (entries) => entries.filter((e) => e.seq !== 2));
    const result = await rotor(config, ['verify']);
    expect(result).toMatchObject({ code: 1, stderr: expect.stringContaining('audit chain broken: seq 2 was deleted') });
  });
});
