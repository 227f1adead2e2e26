import jsyaml from 'js-yaml';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { positionOf, type Position } from './positions.js';
import { ConfigError } from './problems.js';
import { yamlProblems } from './yamlErrors.js';

/**
 * The config file's YAML. Its value is read with js-yaml, which builds plain values directly: for a
 * config of 100,000 targets (32 MB) that is ≈ 1.5 s and ≈ 80 MiB, where `yaml`'s Document — every
 * node with its source range, needed only to say where a problem is — takes tens of seconds and
 * ≈ 600 MiB (docs/benchmarks.md). The Document is built only when a position is asked for (a problem
 * or a warning), or when js-yaml refuses the text: then `yaml` reads it and reports its errors, with
 * their lines, as before.
 */
export interface YamlSource {
  /** The document's value (`{}` for an empty file). */
  readonly value: unknown;
  /** Where the value (or its key) at `path` is written. */
  positionOf(path: readonly PropertyKey[], at?: 'value' | 'key'): Position | undefined;
  /**
   * The same for what does not stop the load (a warning): in a file over `cheapPositionBytes` it is
   * undefined rather than the cost of the file's Document, and the notice names only its YAML path.
   */
  positionIfCheap(path: readonly PropertyKey[], at?: 'value' | 'key'): Position | undefined;
}

/** 1 MiB: about 3,000 targets, whose Document takes well under a second. */
export const cheapPositionBytes = 1 << 20;

/**
 * js-yaml with exactly the scalars of `yaml`'s YAML 1.2 core schema (which js-yaml's own core schema
 * widens: `1_000` and `0b11` are numbers there, strings here), so that both read a file alike. js-yaml
 * keeps one implicit type per tag, so each tag's forms are tried in turn by one type.
 */
const sameAsYamlCore = (() => {
  type Form = [test: RegExp, construct: (s: string) => unknown];
  const scalar = (tag: string, forms: Form[]) => {
    const formOf = (s: string | null) => (s === null ? undefined : forms.find(([test]) => test.test(s)));
    return new jsyaml.Type(`tag:yaml.org,2002:${tag}`, {
      kind: 'scalar',
      resolve: (s: string | null) => formOf(s) !== undefined,
      construct: (s: string) => formOf(s)?.[1](s),
    });
  };
  return jsyaml.FAILSAFE_SCHEMA.extend({
    implicit: [
      scalar('null', [[/^(?:~|[Nn]ull|NULL)?$/, () => null]]),
      scalar('bool', [[/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (s) => s[0] === 't' || s[0] === 'T']]),
      scalar('int', [
        [/^0o[0-7]+$/, (s) => parseInt(s.slice(2), 8)],
        [/^[-+]?[0-9]+$/, (s) => parseInt(s, 10)],
        [/^0x[0-9a-fA-F]+$/, (s) => parseInt(s.slice(2), 16)],
      ]),
      scalar('float', [
        [
          /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
          (s) => (s.slice(-3).toLowerCase() === 'nan' ? NaN : s.startsWith('-') ? -Infinity : Infinity),
        ],
        [/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/, parseFloat],
        [/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/, parseFloat],
      ]),
    ],
  });
})();

/** Counts value nodes, following aliases; stops past `limit` (aliases can make a small file huge). */
function nodesWithin(value: unknown, limit: number): boolean {
  let seen = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    if (++seen > limit) return false;
    const next = stack.pop();
    // One at a time: spreading a list of 100,000s of targets into push() exceeds the argument limit.
    if (next !== null && typeof next === 'object') for (const item of Object.values(next)) stack.push(item);
  }
  return true;
}

/**
 * The value as a tree of its own, which the loader may change in place (interpolation):
 * - an alias's value appears once for each place it is used, rather than shared by them;
 * - the strings js-yaml returns are slices of the file's text, and V8 keeps a whole string alive for
 *   any slice of it (a 100,000-target file's 31 MiB would stay as long as the config): each is copied.
 */
function asTree(value: unknown, seen: Set<object> | undefined): unknown {
  if (typeof value === 'string') return value.length < 13 ? value : Buffer.from(value, 'utf8').toString('utf8');
  if (value === null || typeof value !== 'object') return value;
  const own = (seen?.has(value) ? structuredClone(value) : value) as Record<string, unknown>;
  seen?.add(own);
  for (const key of Object.keys(own)) own[key] = asTree(own[key], seen);
  return own;
}

/**
 * Whether the text may hold an alias (`*name` where a node begins). Without one no value is shared,
 * and reading a large config skips the alias checks (a set of millions of objects).
 */
function mayHoldAliases(text: string): boolean {
  return /(?:^|[\s[{,])\*[^\s,[\]{}]/m.test(text);
}

/** The value js-yaml reads, or undefined where `yaml` must read the file (js-yaml refused it, or aliases expand it). */
function quickValue(text: string, aliases: boolean): { value: unknown } | undefined {
  let value: unknown;
  try {
    value = jsyaml.load(text, { schema: sameAsYamlCore });
  } catch (err) {
    if (err instanceof jsyaml.YAMLException) return undefined;
    throw err;
  }
  // A value node takes at least one character unless an alias repeats it: `yaml` bounds aliases.
  return !aliases || nodesWithin(value, text.length + 1) ? { value } : undefined;
}

/** Reads `text` (the file `file`); a ConfigError lists the YAML errors, each with its line, when it is not valid YAML. */
export function readYamlSource(text: string, file: string): YamlSource {
  let parsed: { doc: Document; lines: LineCounter } | undefined;
  const document = () => {
    if (!parsed) {
      const lines = new LineCounter();
      const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
      // A half-parsed document would add a schema problem for every line the parser misread.
      if (doc.errors.length > 0) throw new ConfigError(yamlProblems(doc.errors, text, file, lines));
      parsed = { doc, lines };
    }
    return parsed;
  };
  const aliases = mayHoldAliases(text);
  const quick = quickValue(text, aliases);
  const value = asTree(quick ? quick.value : document().doc.toJS(), aliases ? new Set() : undefined);
  const locate = (path: readonly PropertyKey[], at: 'value' | 'key' = 'value') =>
    positionOf(document().doc, document().lines, path, at);
  return {
    value: value ?? {},
    positionOf: locate,
    positionIfCheap: (path, at) => (parsed || text.length <= cheapPositionBytes ? locate(path, at) : undefined),
  };
}
