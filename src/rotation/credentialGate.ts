import { randomUUID } from 'node:crypto';
import { TargetBusy } from '../errors/index.js';
import type { RedisClient } from '../types/redis.js';

/**
 * Ordering between a rotation of an operator credential (a target whose secret *is* a credential under
 * `credentials:`, e.g. the CBH operator's IAM password or AK/SK) and the rotations that *use* that
 * credential (the CBH admin rotations signed or authorised with it). While the credential's own
 * rotation is in flight, its users wait (TargetBusy: parked, not failed), so none of them runs with a
 * secret that is about to change or reads one half-way; afterwards they read the new one from Vault.
 *
 * A handshake in Redis, each side publishing before it checks the other, so at least one backs off:
 * - a user adds a lease to `{prefix}:cred:{name}:users` (a sorted set scored by expiry), then checks
 *   the `{prefix}:cred:{name}:change` flag and whether the credential's rotation has a pending record
 *   that is not yet promoted (durable: a crashed rotation keeps its users waiting until it is recovered);
 * - the credential's rotation sets the flag, then checks for live leases.
 * Leases and the flag expire on their own, so a killed worker blocks no one for longer than `ttlMs`.
 */
export interface CredentialGate {
  /** For a rotation that uses credentials: resolves to the release, or throws TargetBusy. */
  enterUse(): Promise<() => Promise<void>>;
  /** For a rotation of credentials: resolves to the release, or throws TargetBusy while users are in flight. */
  enterChange(): Promise<() => Promise<void>>;
}

export interface CredentialGateOptions {
  redis: RedisClient;
  prefix: string;
  targetId: string;
  /** Credential names the target's rotation uses (its operator, its admin credential). */
  uses: readonly string[];
  /** Credential names the target's secret is (its rotation changes them). */
  changes: readonly string[];
  /** Whether the rotation of credential `name` is between prepare and promotion (a pending record before `retiring`). */
  changeInFlight(name: string): Promise<boolean>;
  /** How long a lease or a flag lives without its holder. */
  ttlMs: number;
}

export function makeCredentialGate(o: CredentialGateOptions): CredentialGate {
  const usersKey = (name: string) => `${o.prefix}:cred:${name}:users`;
  const changeKey = (name: string) => `${o.prefix}:cred:${name}:change`;
  const busy = (why: string) => new TargetBusy(`target ${o.targetId}: ${why}`);

  return {
    async enterUse() {
      const token = randomUUID();
      const held: string[] = [];
      const release = async () => {
        for (const name of held) await o.redis.zrem(usersKey(name), token);
      };
      try {
        for (const name of o.uses) {
          await o.redis.zadd(usersKey(name), Date.now() + o.ttlMs, token);
          held.push(name);
          if ((await o.redis.exists(changeKey(name))) === 1 || (await o.changeInFlight(name))) {
            throw busy(`waiting for the rotation of credential ${name} to finish`);
          }
        }
      } catch (err) {
        await release();
        throw err;
      }
      return release;
    },

    async enterChange() {
      const owner = randomUUID();
      const held: string[] = [];
      const release = async () => {
        for (const name of held) {
          if ((await o.redis.get(changeKey(name))) === owner) await o.redis.del(changeKey(name));
        }
      };
      try {
        for (const name of o.changes) {
          await o.redis.set(changeKey(name), owner, 'PX', o.ttlMs);
          held.push(name);
          await o.redis.zremrangebyscore(usersKey(name), '-inf', Date.now());
          const users = await o.redis.zcard(usersKey(name));
          if (users > 0) throw busy(`${users} rotation(s) using credential ${name} still in flight`);
        }
      } catch (err) {
        await release();
        throw err;
      }
      return release;
    },
  };
}

/**
 * Enters the target's gate for the whole attempt (a credential's rotation from lock to release, which
 * covers prepare → finalize; a user's likewise); the lock is released if the gate says wait.
 */
export async function enterCredentialGate(
  deps: { credentialGate?: CredentialGate },
  lock: { release(): Promise<void> },
): Promise<() => Promise<void>> {
  const gate = deps.credentialGate;
  if (!gate) return async () => undefined;
  let leaveChange: (() => Promise<void>) | undefined;
  try {
    leaveChange = await gate.enterChange();
    const leaveUse = await gate.enterUse();
    return async () => {
      await leaveUse();
      await leaveChange?.();
    };
  } catch (err) {
    await leaveChange?.().catch(() => undefined);
    await lock.release().catch(() => undefined);
    throw err;
  }
}
