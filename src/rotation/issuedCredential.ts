import type { CredentialIssuer, IssuedCredential } from '../types/connector.js';
import type { IssuePendingRecord, SecretVersion } from '../types/secretStore.js';
import { isRotorError, Misconfigured } from '../errors/index.js';
import type { RotationDeps } from './rotationContext.js';

/** The consumer secret's version and the issued credential it holds now. */
export interface CurrentIssued {
  secret: SecretVersion;
  credential: IssuedCredential;
}

/** Reads the credential Vault holds for the target: both managed fields must be there. */
export async function loadIssued(
  deps: Pick<RotationDeps, 'target' | 'store'>,
  issuer: CredentialIssuer,
): Promise<CurrentIssued> {
  const { target } = deps;
  const secret = await deps.store.readSecret(target.secretPath);
  const id = secret?.data[issuer.fields.id];
  const value = secret?.data[issuer.fields.secret];
  if (!secret || typeof id !== 'string' || id === '' || typeof value !== 'string' || value === '') {
    throw new Misconfigured(
      `target ${target.id}: the secret at ${target.secretPath} needs "${issuer.fields.id}" and "${issuer.fields.secret}"; seed it with the key in use first`,
    );
  }
  return { secret, credential: { id, secret: value } };
}

/**
 * Promotes the issued credential into the consumer secret with check-and-set on the version read at
 * load, keeping every other field. A lost race is resolved by reading again: either the credential is
 * already there (a concurrent recovery), or someone edited the secret and the live credential is
 * written over their version, keeping their other fields.
 */
export async function promoteIssued(
  deps: RotationDeps,
  issuer: CredentialIssuer,
  current: SecretVersion,
  issued: IssuedCredential,
  rotationId: string,
): Promise<number> {
  const { store, target } = deps;
  const fields = { [issuer.fields.id]: issued.id, [issuer.fields.secret]: issued.secret };
  const promote = (cas: number, base?: Record<string, unknown>) =>
    store.promote(target.secretPath, {
      password: '',
      fields,
      cas,
      rotationId,
      targetId: target.id,
      rotatedAt: new Date(),
      base,
    });
  try {
    return await promote(current.version, current.deleted ? undefined : current.data);
  } catch (err) {
    if (!isRotorError(err, 'Conflict')) throw err;
    const now = await store.readSecret(target.secretPath);
    if (now && now.data[issuer.fields.id] === issued.id) return now.version;
    return promote(now?.version ?? 0);
  }
}

/** The pending record once the promotion is done: the secret leaves it, the retirement clock starts. */
export function retiringRecord(
  rec: IssuePendingRecord,
  lastUseSeen: string | undefined,
  now: Date,
): IssuePendingRecord {
  const { issued_secret: _dropped, ...rest } = rec;
  return {
    ...rest,
    step: 'retiring',
    promoted_at: now.toISOString(),
    quiet_since: now.toISOString(),
    ...(lastUseSeen !== undefined ? { last_use_seen: lastUseSeen } : {}),
  };
}
