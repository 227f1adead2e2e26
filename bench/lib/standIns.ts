import type { TargetLock } from '../../src/rotation/targetLock.js';

/** A target lock that is always held and costs nothing: the diagnostics' stand-in for Redis's lock. */
export const heldLock: TargetLock = {
  fence: 1,
  status: undefined,
  assertHeld: async () => undefined,
  handOver: () => ({ key: 'stand-in', owner: 'stand-in', undo: () => undefined }),
  release: async () => undefined,
};
