/**
 * The Docker healthcheck of `rotor sim --seed` (docker-compose.yml): healthy once the simulator
 * answers and Vault holds the secret of every configured target and of the operator credentials
 * they use. Seeding writes those last, after creating each account in the simulator, so `rotor run`
 * (which waits for this service to be healthy) never meets an account that is not there yet.
 *
 * Usage: `node --import tsx docker/simReady.ts [simulator URL]`, with the service's ROTOR_CONFIG,
 * VAULT_ADDR and VAULT_TOKEN. Exit 0 ready, 1 not yet (one line on stderr saying what is missing).
 * It reads only whether the secrets exist, and prints no value.
 */
import { loadConfig } from '../src/config/loadConfig.js';
import type { TargetConfig } from '../src/config/schema.js';
import { silentLogger } from '../src/observability/logger.js';
import { makeVaultStore } from '../src/secrets/index.js';

/** The operator credential a target's seeding writes after its own secret, if any. */
function credentialOf(target: TargetConfig): string | undefined {
  if (target.kind === 'huawei-iam-user') return target.adminCredential;
  if (target.kind === 'huawei-meeting-user') return target.auth.method === 'app' ? target.auth.credential : undefined;
  // An http target's seeding writes no credential (its `credentials:` are the operator's to store).
  if (target.kind === 'http') return undefined;
  return target.operator;
}

async function missingSecrets(): Promise<string[]> {
  const config = await loadConfig(process.env.ROTOR_CONFIG ?? 'config/rotor.yaml');
  const paths = new Set(config.targets.map((t) => t.secretPath));
  for (const target of config.targets) {
    const name = credentialOf(target);
    const credential = name === undefined ? undefined : config.credentials[name];
    if (credential) paths.add(credential.secretPath);
  }
  const store = await makeVaultStore(config.vault, { logger: silentLogger, checkMount: false });
  try {
    const missing: string[] = [];
    for (const path of paths) if ((await store.readSecret(path)) === null) missing.push(path);
    return missing;
  } finally {
    await store.close();
  }
}

async function main(): Promise<string | undefined> {
  const simUrl = process.argv[2] ?? 'http://127.0.0.1:9443';
  const answer = await fetch(new URL('/__sim/counters', simUrl), { signal: AbortSignal.timeout(3000) }).catch(
    (err: unknown) => err,
  );
  if (!(answer instanceof Response) || !answer.ok) return `the simulator at ${simUrl} does not answer yet`;
  const missing = await missingSecrets();
  if (missing.length > 0) return `not seeded yet: no secret in Vault at ${missing.join(', ')}`;
  return undefined;
}

main().then(
  (problem) => {
    if (problem) process.stderr.write(`${problem}\n`);
    process.exit(problem ? 1 : 0);
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
