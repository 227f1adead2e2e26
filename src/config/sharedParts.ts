/**
 * A large config repeats the same nested values in every target: the defaulted `http` settings and
 * `errorCodes`, the schedule, empty `tags`. Each distinct one is kept once, frozen, and shared by the
 * targets that hold it — 100,000 targets then cost memory for what differs between them, not for
 * 100,000 copies of their defaults. Frozen, because a change through one target would reach them all.
 * Done as each target is validated, so the copies never pile up while a large config is read.
 */
const known = new Map<string, unknown>();
/** Distinct values remembered; past this (a config of very varied targets) the table starts afresh. */
const maxKnown = 10_000;

export function shareEqualParts<T>(target: T): T {
  if (target === null || typeof target !== 'object') return target;
  const fields = target as Record<string, unknown>;
  for (const [name, value] of Object.entries(fields)) {
    if (value === null || typeof value !== 'object') continue;
    const key = `${name}\n${JSON.stringify(value)}`;
    const shared = known.get(key);
    if (shared !== undefined) {
      fields[name] = shared;
      continue;
    }
    if (known.size >= maxKnown) known.clear();
    known.set(key, deepFreeze(value));
  }
  return target;
}

function deepFreeze<V>(value: V): V {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
