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

/**
 * Interpolates every string in `value`: objects and arrays are changed in place (the value is the
 * reader's own, and a config of 100,000 targets is too large to copy); a string is returned anew.
 */
export function interpolateValue(
  value: unknown,
  env: NodeJS.ProcessEnv,
  unset: UnsetVariable[],
  path: (string | number)[] = [],
  interpolated: InterpolatedValue[] = [],
): unknown {
  // One path, extended and shortened as the walk goes: copied only for what is recorded.
  const at = [...path];
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return interpolateString(item, env, unset, at, interpolated);
    if (item === null || typeof item !== 'object') return item;
    const record = item as Record<string, unknown>;
    const array = Array.isArray(item);
    for (const key of Object.keys(record)) {
      at.push(array ? Number(key) : key);
      record[key] = walk(record[key]);
      at.pop();
    }
    return item;
  };
  return walk(value);
}

function interpolateString(
  value: string,
  env: NodeJS.ProcessEnv,
  unset: UnsetVariable[],
  path: readonly (string | number)[],
  interpolated: InterpolatedValue[],
): string {
  if (!value.includes('${')) return value;
  let matched = false;
  const result = value.replace(pattern, (_whole, name: string, fallback: string | undefined) => {
    matched = true;
    const found = env[name];
    if (found !== undefined && found !== '') return found;
    if (fallback !== undefined) return fallback;
    unset.push({ name, path: [...path] });
    return '';
  });
  if (matched) interpolated.push({ path: [...path], source: value, whole: wholePattern.test(value.trim()) });
  return result;
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
