import type { AuditSink } from '../audit/types.js';
import { makeLogAuditSink } from '../audit/logAuditSink.js';
import type { RotorConfig, TargetConfig } from '../config/schema.js';
import { connectors } from '../connectors/index.js';
import type { Connector, CredentialReader } from '../connectors/types.js';
import { Misconfigured } from '../rotation/errors.js';
import { makePasswordMaker } from '../rotation/makePasswordMaker.js';
import type { RotationDeps } from '../rotation/rotateTarget.js';
import type { Logger } from '../observability/logger.js';
import { makeVaultStore } from '../secrets/index.js';
import type { SecretStore } from '../secrets/types.js';

/** Everything a worker needs, built once from a validated config. */
export interface Rotor {
  config: RotorConfig;
  logger: Logger;
  store: SecretStore;
  audit: AuditSink;
  target(id: string): TargetConfig | undefined;
  rotationDeps(target: TargetConfig): RotationDeps;
  close(): Promise<void>;
}

export interface RotorOverrides {
  store?: SecretStore;
  audit?: AuditSink;
}

export async function makeRotor(config: RotorConfig, logger: Logger, overrides: RotorOverrides = {}): Promise<Rotor> {
  const store = overrides.store ?? (await makeVaultStore(config.vault, { logger }));
  const audit = overrides.audit ?? makeLogAuditSink(logger);
  const byId = new Map(config.targets.map((t) => [t.id, t]));
  const live = new Map<string, Connector>();

  const readCredential: CredentialReader = async (name) => {
    const ref = config.credentials[name];
    if (!ref) throw new Misconfigured(`credential "${name}" is not defined under credentials:`);
    const secret = await store.readSecret(ref.secretPath);
    if (!secret) throw new Misconfigured(`credential "${name}": nothing stored at ${ref.secretPath}`);
    return Object.fromEntries(
      Object.entries(secret.data).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
  };

  for (const t of config.targets) {
    if (t.insecureSkipVerify)
      logger.warn({ targetId: t.id }, 'TLS verification is OFF for this target (insecureSkipVerify)');
  }

  return {
    config,
    logger,
    store,
    audit,
    target: (id) => byId.get(id),
    rotationDeps(target) {
      const descriptor = connectors[target.kind];
      let connector = live.get(target.id);
      if (!connector) {
        // Connectors keep token caches and keep-alive agents: one per target for the process's life.
        connector = descriptor.create(target, { logger: logger.child({ targetId: target.id }), readCredential });
        live.set(target.id, connector);
      }
      const policyName = target.policy;
      return {
        target,
        connector,
        capabilities: descriptor.capabilities,
        store,
        audit,
        logger: logger.child({ targetId: target.id }),
        ...makePasswordMaker(target, policyName ? config.policies[policyName] : undefined, policyName),
      };
    },
    async close() {
      await Promise.all([...live.values()].map((c) => c.close?.()));
      await store.close();
    },
  };
}
