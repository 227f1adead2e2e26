import type { z } from 'zod';
import { valueAt } from './schemaWalk.js';
import { closest } from './suggest.js';

/** One thing wrong with a config file: where, and what was expected and found. */
export interface ConfigProblem {
  file: string;
  /** 1-based line and column of the value (or key) in the file, when the document has it. */
  line?: number;
  col?: number;
  /** YAML path like `targets[2].kind`; empty for the document itself. */
  path: string;
  message: string;
}

/** One zod issue in words, and the place in the document to point at. */
export interface IssueReport {
  /** The path shown in the message (an unknown key is reported on its mapping). */
  path: PropertyKey[];
  message: string;
  /** Where it is written: the value at `path`, or the unknown key itself. */
  locate: { path: PropertyKey[]; at: 'value' | 'key' };
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

/** What a message says was expected when the schema gave no words of its own. */
const formats: Record<string, string> = {
  url: 'expected a URL like https://host[:port]',
  uuid: 'expected a UUID like 6e22aced-2fdb-42e9-9175-4796fbe9fc23',
  regex: 'expected text of the right form',
};

/** How the document wrote a value it got from the environment: ` (from ${C:-abc})`. */
export type SourceOf = (path: readonly PropertyKey[]) => string | undefined;

/**
 * Turns one zod issue into sentences that name what was expected and what was found (never the
 * value of a secret field). Usually one; an issue about several unknown keys gives one per key.
 */
export function describeIssue(
  issue: z.core.$ZodIssue,
  raw: unknown,
  knownKeys: (path: PropertyKey[]) => string[],
  sourceOf: SourceOf = () => undefined,
): IssueReport[] {
  const path = [...issue.path];
  const last = path[path.length - 1];
  const value = valueAt(raw, path);
  const written = sourceOf(path);
  // A value from a variable named like a secret (`${VAULT_TOKEN}` put in the wrong field) is not shown either.
  const fromSecret =
    written !== undefined && /\$\{[A-Za-z0-9_]*(TOKEN|SECRET|PASSWORD|PASS|KEY|_SK|_AK)\b/i.test(written);
  const hideValue = ((typeof last === 'string' && secretField.test(last)) || fromSecret) && value !== undefined;
  const source = hideValue && !fromSecret ? undefined : written;
  const hidden = fromSecret ? 'a value (hidden: it may be a secret)' : 'a value (hidden: secret field)';
  const found = (hideValue ? hidden : describe(value)) + (source ? ` (from ${source})` : '');
  const scalar = value === undefined || (value !== null && typeof value !== 'object');
  /**
   * A message of the schema's own, with what was found unless it says so already, or it is about a
   * combination of fields ("..., not both") rather than this value.
   */
  const withFound = (message: string) =>
    /\bgot\b|\bnot both\b/.test(message) || !scalar ? message : `${message}, got ${found}`;
  const one = (message: string): IssueReport[] => [{ path, message, locate: { path, at: 'value' } }];
  switch (issue.code) {
    case 'invalid_type':
      // A schema's own words (a duration needs a unit) beat zod's "expected string".
      if (!issue.message.startsWith('Invalid input')) return one(withFound(issue.message));
      return one(`expected ${issue.expected}, got ${found}`);
    case 'invalid_value':
      return one(`expected one of ${issue.values.map((v) => String(v)).join(' | ')}, got ${found}`);
    case 'invalid_union': {
      const options = (issue as { options?: unknown[] }).options;
      if (Array.isArray(options)) return one(`expected one of ${options.map(String).join(' | ')}, got ${found}`);
      if (issue.message !== 'Invalid input') return one(withFound(issue.message));
      // Each option failed: name the types when they failed on the type, else the option that got furthest.
      const branches = issue.errors.filter((b) => b.length > 0);
      const typeOnly = branches.every((b) => b.length === 1 && b[0]?.code === 'invalid_type' && b[0].path.length === 0);
      if (typeOnly) {
        const expected = branches.map((b) => (b[0] as { expected?: string }).expected).filter(Boolean);
        return one(`expected ${[...new Set(expected)].join(' or ')}, got ${found}`);
      }
      const best = branches.find((b) => !b.some((i) => i.code === 'invalid_type' && i.path.length === 0));
      if (!best) return one(withFound(issue.message));
      return best.flatMap((inner) =>
        describeIssue({ ...inner, path: [...path, ...inner.path] } as z.core.$ZodIssue, raw, knownKeys, sourceOf),
      );
    }
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const hint = closest(key, knownKeys(path));
        return {
          path,
          message: `unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}`,
          locate: { path: [...path, key], at: 'key' },
        };
      });
    case 'too_small':
    case 'too_big':
      return one(`${issue.message.replace(/^Too (small|big): /, '')}, got ${found}`);
    case 'invalid_format': {
      const own = !/^Invalid /.test(issue.message);
      const expected = own ? issue.message : (formats[issue.format] ?? `expected ${issue.format}`);
      const hint =
        issue.format === 'url' && typeof value === 'string' && !value.includes('://')
          ? ' (no scheme: add https://)'
          : '';
      return one(`${withFound(expected)}${hint}`);
    }
    default:
      return one(withFound(issue.message));
  }
}

export class ConfigError extends Error {
  readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[]) {
    super(problems.map((p) => formatProblem(p)).join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** `file:line:col: path: message`, as compilers print it (editors jump to the place). */
export function formatProblem(p: ConfigProblem, label?: 'warning'): string {
  const where = (p.line === undefined ? p.file : `${p.file}:${p.line}:${p.col ?? 1}`) + (label ? `: ${label}` : '');
  return p.path ? `${where}: ${p.path}: ${p.message}` : `${where}: ${p.message}`;
}

/** "1 problem", "3 problems". */
export function counted(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
