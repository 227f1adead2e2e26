/**
 * `${VAR}` and `${VAR:-default}` interpolation, applied to string *values* after YAML parsing
 * (never to the raw text, so a variable's content cannot change the document's structure).
 */
const pattern = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const wholePattern = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$/;

export interface UnsetVariable {
  name: string;
  path: (string | number)[];
}

/** A value that came from the environment, and how the document wrote it (`${C:-4}`). */
export interface InterpolatedValue {
  path: (string | number)[];
  source: string;
  /** The scalar is one `${...}` and nothing else: it may stand for a number or a boolean. */
  whole: boolean;
}

export function interpolateValue(
  value: unknown,
  env: NodeJS.ProcessEnv,
  unset: UnsetVariable[],
  path: (string | number)[] = [],
  interpolated: InterpolatedValue[] = [],
): unknown {
  if (typeof value === 'string') {
    let matched = false;
    const result = value.replace(pattern, (_whole, name: string, fallback: string | undefined) => {
      matched = true;
      const found = env[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      unset.push({ name, path });
      return '';
    });
    if (matched) interpolated.push({ path, source: value, whole: wholePattern.test(value.trim()) });
    return result;
  }
  const at = (key: string | number, item: unknown) => interpolateValue(item, env, unset, [...path, key], interpolated);
  if (Array.isArray(value)) return value.map((item, i) => at(i, item));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, at(key, item)]));
  }
  return value;
}

/**
 * What an environment value stands for where the field wants a number or a boolean: YAML typed the
 * scalar `${C:-4}` as text before the variable was known, so "4" is read here as the number 4.
 * Anything else stays text, for the schema to reject with the value found.
 */
export function typedValue(text: string, wanted: 'number' | 'boolean'): unknown {
  const trimmed = text.trim();
  if (wanted === 'number' && /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(trimmed)) return Number(trimmed);
  if (wanted === 'boolean' && /^(true|false)$/i.test(trimmed)) return trimmed.toLowerCase() === 'true';
  return text;
}
