import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { startHuaweiSimulator, type HuaweiSimulator } from '../../src/dev/huaweiSimulator.js';
import { startVaultEmulator, type VaultEmulator } from '../../src/dev/vaultEmulator.js';
import { freePort } from '../helpers/ownRedis.js';
import { repoRoot } from '../helpers/runCli.js';
import { commandText, readCompose } from './composeFile.js';

const sim = readCompose().services.sim;
const composeEnv = Array.isArray(sim?.environment) ? {} : (sim?.environment ?? {});

/** The sim service's healthcheck, as Docker runs it inside the container (cwd = the app). */
function healthcheck(simUrl: string, vault: VaultEmulator) {
  const test = sim?.healthcheck?.test;
  if (!Array.isArray(test) || test[0] !== 'CMD' || test[1] !== 'node')
    throw new Error(`unexpected healthcheck: ${commandText(test)}`);
  const args = test.slice(2, -1); // the last argument is the simulator's URL inside the container
  return new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [...args, simUrl], {
      cwd: repoRoot,
      env: { ...process.env, ...composeEnv, NODE_OPTIONS: '', VAULT_ADDR: vault.url, VAULT_TOKEN: vault.rootToken },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe("the simulator's healthcheck in docker-compose.yml", () => {
  let vault: VaultEmulator;
  let emptySim: HuaweiSimulator;

  beforeAll(async () => {
    vault = await startVaultEmulator();
    emptySim = await startHuaweiSimulator();
  });

  afterAll(async () => {
    await emptySim.close();
    await vault.close();
  });

  it('is unhealthy while nothing answers at the simulator address', async () => {
    const result = await healthcheck(`http://127.0.0.1:${await freePort()}`, vault);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/the simulator at http:\/\/127\.0\.0\.1:\d+ does not answer yet/);
  }, 30_000);

  it('is unhealthy while the simulator answers but the targets are not seeded in Vault yet', async () => {
    const result = await healthcheck(emptySim.url, vault);
    expect(result).toEqual({ code: 1, stderr: 'not seeded yet: no secret in Vault at huawei/iam/alice\n' });
  }, 30_000);

  it("turns healthy once the service's own command has seeded the targets, and prints no secret", async () => {
    const port = await freePort();
    const args = (Array.isArray(sim?.command) ? sim.command : []).map((a) => (a === '0.0.0.0' ? '127.0.0.1' : a));
    args[args.indexOf('--port') + 1] = String(port);
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/rotor.ts', ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...composeEnv, NODE_OPTIONS: '', VAULT_ADDR: vault.url, VAULT_TOKEN: vault.rootToken },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise((resolve) => child.on('close', resolve));
    try {
      const deadline = Date.now() + 20_000;
      let result = await healthcheck(`http://127.0.0.1:${port}`, vault);
      while (result.code !== 0 && Date.now() < deadline) result = await healthcheck(`http://127.0.0.1:${port}`, vault);
      expect(result).toEqual({ code: 0, stderr: '' });
      expect(output).toContain('seeded 1 targets');
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    const secret = await fetch(`${vault.url}/v1/secret/data/huawei/iam/alice`, {
      headers: { 'X-Vault-Token': vault.rootToken },
    }).then((r) => r.json() as Promise<{ data: { data: { password: string } } }>);
    expect(secret.data.data.password.length).toBeGreaterThan(8);
    expect(output).not.toContain(secret.data.data.password);
  }, 40_000);
});
