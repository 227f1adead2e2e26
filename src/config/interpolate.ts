/**
 * `${VAR}` and `${VAR:-default}` interpolation, applied to string *values* after YAML parsing
 * (never to the raw text, so a variable's content cannot change the document's structure).
 */
const pattern = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export interface UnsetVariable {
  name: string;
  path: (string | number)[];
}

export function interpolateValue(
  value: unknown,
  env: NodeJS.ProcessEnv,
  unset: UnsetVariable[],
  path: (string | number)[] = [],
): unknown {
  if (typeof value === 'string') {
    return value.replace(pattern, (_whole, name: string, fallback: string | undefined) => {
      const found = env[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      unset.push({ name, path });
      return '';
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => interpolateValue(item, env, unset, [...path, i]));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolateValue(item, env, unset, [...path, key])]),
    );
  }
  return value;
}
