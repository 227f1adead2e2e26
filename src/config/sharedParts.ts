/**
 * A large config repeats the same nested values in every target: the defaulted `http` settings and
 * `errorCodes`, the schedule, empty `tags`. Each distinct one is kept once, frozen, and shared by the
 * targets that hold it — 100,000 targets then cost memory for what differs between them, not for
 * 100,000 copies of their defaults. Frozen, because a change through one target would reach them all.
 */
export function shareEqualParts<T>(targets: T[]): T[] {
  const seen = new Map<string, unknown>();
  for (const target of targets) {
    if (target === null || typeof target !== 'object') continue;
    const fields = target as Record<string, unknown>;
    for (const [name, value] of Object.entries(fields)) {
      if (value === null || typeof value !== 'object') continue;
      const key = `${name}\n${JSON.stringify(value)}`;
      const known = seen.get(key);
      if (known !== undefined) fields[name] = known;
      else seen.set(key, deepFreeze(value));
    }
  }
  return targets;
}

function deepFreeze<V>(value: V): V {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
