import type { z } from 'zod';

/** One thing wrong with a config file: where, and what was expected and found. */
export interface ConfigProblem {
  file: string;
  /** YAML path like `targets[2].kind`; empty for the document itself. */
  path: string;
  message: string;
}

/** Fields whose values must never be echoed back in an error, even a wrong one. */
const secretField = /^(password|token|secret|secretId|sk|ak|appKey|jwt)$/i;

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${String(value)}`;
}

/** The value the document has at `path` (what was found), or undefined when it has none. */
function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let value = raw;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

function closest(word: string, candidates: string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      let previous = row[0] as number;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const current = row[j] as number;
        row[j] = Math.min(
          (row[j] as number) + 1,
          (row[j - 1] as number) + 1,
          previous + (a[i - 1] === b[j - 1] ? 0 : 1),
        );
        previous = current;
      }
    }
    return row[b.length] as number;
  };
  const best = candidates
    .map((c) => ({ c, d: distance(word.toLowerCase(), c.toLowerCase()) }))
    .sort((x, y) => x.d - y.d)[0];
  return best && best.d <= Math.max(2, Math.floor(word.length / 3)) ? best.c : undefined;
}

/** Turns one zod issue into a sentence that names what was expected and what was found. */
export function describeIssue(
  issue: z.core.$ZodIssue,
  raw: unknown,
  knownKeys: (path: PropertyKey[]) => string[],
): string {
  const last = issue.path[issue.path.length - 1];
  const value = valueAt(raw, issue.path);
  const hideValue = typeof last === 'string' && secretField.test(last) && value !== undefined;
  const found = hideValue ? 'a value (hidden: secret field)' : describe(value);
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}, got ${found}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => String(v)).join(' | ')}, got ${found}`;
    case 'invalid_union': {
      const options = (issue as { options?: unknown[] }).options;
      if (Array.isArray(options)) return `expected one of ${options.map(String).join(' | ')}, got ${found}`;
      return `${issue.message}, got ${found}`;
    }
    case 'unrecognized_keys':
      return issue.keys
        .map((key) => {
          const hint = closest(key, knownKeys(issue.path));
          return `unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}`;
        })
        .join('; ');
    case 'too_small':
    case 'too_big':
      return `${issue.message.replace(/^Too (small|big): /, '')}, got ${found}`;
    default:
      return issue.message.startsWith('expected') ? issue.message : `${issue.message}, got ${found}`;
  }
}

export class ConfigError extends Error {
  readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function formatProblem(p: ConfigProblem): string {
  return p.path ? `${p.file}: ${p.path}: ${p.message}` : `${p.file}: ${p.message}`;
}
