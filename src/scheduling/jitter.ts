import { createHash } from 'node:crypto';

/**
 * A target's fixed place in a jitter window, in [0, 1): the first 48 bits of SHA-256 of its id.
 * Deterministic, so a restart (or a second scheduler process) never reshuffles targets; uniform,
 * so a thousand targets sharing "0 3 * * 0" start evenly spread instead of all at 03:00.
 */
export function jitterFraction(targetId: string): number {
  const digest = createHash('sha256').update(targetId).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** The target's offset (ms) into a jitter window of `windowMs`; 0 without a window. */
export function jitterOffsetMs(targetId: string, windowMs: number): number {
  return windowMs > 0 ? Math.floor(jitterFraction(targetId) * windowMs) : 0;
}
