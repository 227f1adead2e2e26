import { z } from 'zod';

/**
 * Reading the config schema itself: which schema governs a given place in a document. The loader
 * uses it to read a commented-out optional section as absent, to type an interpolated `${VAR}` for
 * a numeric field, and to suggest the key a typo meant.
 */

/** The schema under optional/default/prefault/nullable wrappers, and the input side of a transform. */
export function unwrap(schema: z.ZodType): z.ZodType {
  let s: z.ZodType = schema;
  for (;;) {
    if (s instanceof z.ZodDefault || s instanceof z.ZodPrefault) s = s.unwrap() as z.ZodType;
    else if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
    else if (s instanceof z.ZodPipe) s = s.in as z.ZodType;
    else return s;
  }
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The value the document has at `path`, or undefined when it has none. */
export function valueAt(doc: unknown, path: readonly PropertyKey[]): unknown {
  let value = doc;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

/** The literal a discriminated union's option has for `key` (e.g. a target's `kind`). */
export function literalOf(option: z.ZodType, key: string): unknown {
  const field = option instanceof z.ZodObject ? (option.shape as Record<string, z.ZodType>)[key] : undefined;
  return field instanceof z.ZodLiteral ? field.value : undefined;
}

/**
 * The object schema that applies to `value` when `schema` is a union: the option its discriminator
 * names, else the first object option that has every key the value has. Undefined when none fits.
 */
function objectFor(schema: z.ZodType, value: unknown): z.ZodObject | undefined {
  const s = unwrap(schema);
  if (s instanceof z.ZodObject) return s;
  const doc = record(value);
  if (s instanceof z.ZodDiscriminatedUnion) {
    const key = s.def.discriminator;
    const found = (s.options as z.ZodType[]).find((o) => doc !== undefined && literalOf(o, key) === doc[key]);
    return found instanceof z.ZodObject ? found : undefined;
  }
  if (s instanceof z.ZodUnion) {
    const objects = (s.options as z.ZodType[]).map(unwrap).filter((o) => o instanceof z.ZodObject);
    return objects.find((o) => Object.keys(doc ?? {}).every((k) => k in o.shape)) ?? objects[0];
  }
  return undefined;
}

/**
 * The schema of the field at `path` in `doc` (e.g. `['targets', 0, 'http', 'ratePerSecond']`), with
 * its wrappers (so `.isOptional()` still answers). Undefined when the path leaves the schema.
 */
export function schemaAt(root: z.ZodType, doc: unknown, path: readonly PropertyKey[]): z.ZodType | undefined {
  let schema: z.ZodType = root;
  let value: unknown = doc;
  for (const part of path) {
    const s = unwrap(schema);
    let next: z.ZodType | undefined;
    if (s instanceof z.ZodArray && typeof part === 'number') next = s.element as z.ZodType;
    else if (s instanceof z.ZodRecord) next = s.valueType as z.ZodType;
    else next = (objectFor(s, value)?.shape as Record<string, z.ZodType> | undefined)?.[String(part)];
    if (next === undefined) return undefined;
    schema = next;
    value = valueAt(value, [part]);
  }
  return schema;
}

/** The keys the object at `path` accepts (for "did you mean" hints); empty when it is not an object. */
export function keysAt(root: z.ZodType, doc: unknown, path: readonly PropertyKey[]): string[] {
  const schema = schemaAt(root, doc, path);
  const object = schema === undefined ? undefined : objectFor(schema, valueAt(doc, path));
  return object ? Object.keys(object.shape) : [];
}

/** What a scalar field expects, when it is a plain number or boolean. */
export function scalarKindAt(
  root: z.ZodType,
  doc: unknown,
  path: readonly PropertyKey[],
): 'number' | 'boolean' | undefined {
  const schema = schemaAt(root, doc, path);
  const s = schema === undefined ? undefined : unwrap(schema);
  if (s instanceof z.ZodNumber) return 'number';
  if (s instanceof z.ZodBoolean) return 'boolean';
  return undefined;
}
