import type { AccountPasswordPolicy } from '../policy/index.js';

const dayMs = 86_400_000;

export interface CooldownSource {
  /** The connector's fixed minimum time between changes (Meeting: 5 minutes). */
  cooldownMs: number;
  /** The account policy, for IAM's `minimum_password_age` (minutes); asked only after a recent rotation. */
  accountPolicy?: () => Promise<AccountPasswordPolicy | undefined>;
}

/**
 * When the target accepts its next change, if that lies after `now`: the last rotation plus the
 * longer of the connector's cooldown and the account's minimum password age. Scheduling past it
 * spares an attempt the target would refuse (the engine would park it anyway).
 */
export async function cooldownEnd(
  source: CooldownSource,
  rotatedAt: Date | undefined,
  now: number,
): Promise<number | undefined> {
  if (!rotatedAt) return undefined;
  const since = now - rotatedAt.getTime();
  let cooldown = source.cooldownMs;
  // IAM allows at most 1,440 minutes: an older rotation cannot be in cooldown, so no request is spent asking.
  if (since < dayMs && source.accountPolicy) {
    const minutes = (await source.accountPolicy().catch(() => undefined))?.minimum_password_age ?? 0;
    cooldown = Math.max(cooldown, minutes * 60_000);
  }
  const end = rotatedAt.getTime() + cooldown;
  return end > now ? end : undefined;
}

/** `custom_metadata.rotated_at` as a date; undefined when missing or unreadable (never rotated by rotor). */
export function rotatedAtOf(customMetadata: Record<string, string> | undefined): Date | undefined {
  const stamp = customMetadata?.rotated_at;
  if (!stamp) return undefined;
  const at = new Date(stamp);
  return Number.isNaN(at.getTime()) ? undefined : at;
}
