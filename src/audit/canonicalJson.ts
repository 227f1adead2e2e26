/**
 * JSON with object keys sorted at every depth and `undefined` members dropped, so the same event
 * always serialises to the same bytes whichever process wrote it and in whatever key order.
 * Written as plain loops: every audit event is serialised this way once, when it is appended.
 * `omitTopLevel` leaves out those members of the outermost object (as if they were undefined).
 */
export function canonicalJson(value: unknown, omitTopLevel?: ReadonlySet<string>): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new TypeError(`canonicalJson: ${value} has no JSON form`);
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      out += (i === 0 ? '' : ',') + canonicalJson(item === undefined ? null : item);
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  // Sorted by UTF-16 code units, as `<` compares strings (Array.prototype.sort's default order).
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const member = record[key];
    if (member === undefined || omitTopLevel?.has(key)) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(member)}`;
    first = false;
  }
  return `${out}}`;
}
