/**
 * The template language of `kind: http` targets: data, never code. A template is text with
 * `{{ name | filter | ... }}` holes; a name is one of a closed set (below) and a filter one of
 * `base64`, `urlencode`, `json`. There are no operators, calls, conditionals or loops, so a config
 * cannot run anything; every template is parsed and checked when the config is loaded.
 */

export const filters = ['base64', 'urlencode', 'json'] as const;
export type Filter = (typeof filters)[number];

/** A hole: the name as written (`vars.account`) split on dots, and its filters in order. */
export interface Hole {
  name: string[];
  filters: Filter[];
}

export type Part = string | Hole;

export interface Template {
  parts: Part[];
}

export class TemplateSyntaxError extends Error {}

const namePattern = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/;

/** Parses one template; throws TemplateSyntaxError saying what is wrong and how to write it. */
export function parseTemplate(text: string): Template {
  const parts: Part[] = [];
  let rest = text;
  for (;;) {
    const open = rest.indexOf('{{');
    const stray = rest.indexOf('}}');
    if (stray !== -1 && (open === -1 || stray < open))
      throw new TemplateSyntaxError('found "}}" without an opening "{{"');
    if (open === -1) break;
    if (open > 0) parts.push(rest.slice(0, open));
    const close = rest.indexOf('}}', open + 2);
    if (close === -1) throw new TemplateSyntaxError('found "{{" without a closing "}}"');
    parts.push(parseHole(rest.slice(open + 2, close).trim()));
    rest = rest.slice(close + 2);
  }
  if (rest !== '') parts.push(rest);
  return { parts };
}

function parseHole(inner: string): Hole {
  const [head = '', ...rest] = inner.split('|').map((s) => s.trim());
  if (!namePattern.test(head)) {
    throw new TemplateSyntaxError(
      `expected a name like {{ vars.account }} or {{ newPassword }} inside "{{ }}", got ${JSON.stringify(inner)}`,
    );
  }
  const chosen = rest.map((f) => {
    if (!(filters as readonly string[]).includes(f))
      throw new TemplateSyntaxError(`unknown filter ${JSON.stringify(f)}: expected one of ${filters.join(', ')}`);
    return f as Filter;
  });
  return { name: head.split('.'), filters: chosen };
}

/** The holes of a template. */
export function holesOf(t: Template): Hole[] {
  return t.parts.filter((p): p is Hole => typeof p !== 'string');
}

/** Names whose values are secrets: they render only into headers, bodies and Basic auth. */
export function isSecretName(name: readonly string[]): boolean {
  const [root] = name;
  return (
    root === 'password' ||
    root === 'oldPassword' ||
    root === 'newPassword' ||
    root === 'login' ||
    root === 'credentials'
  );
}

/** The values a template can see while one request is built. */
export interface Scope {
  vars: Readonly<Record<string, string>>;
  password?: string;
  oldPassword?: string;
  newPassword?: string;
  session?: string;
  credentials: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export class TemplateValueError extends Error {}

function lookup(name: readonly string[], scope: Scope): string {
  const [root, a, b] = name;
  const missing = (what: string) => new TemplateValueError(`{{ ${name.join('.')} }}: ${what}`);
  let value: string | undefined;
  if (root === 'vars' && a !== undefined) value = Object.hasOwn(scope.vars, a) ? scope.vars[a] : undefined;
  else if (root === 'credentials' && a !== undefined && b !== undefined) {
    const cred = Object.hasOwn(scope.credentials, a) ? scope.credentials[a] : undefined;
    if (!cred) throw missing(`credential ${a} was not read`);
    value = Object.hasOwn(cred, b) ? cred[b] : undefined;
    if (value === undefined) throw missing(`credential ${a} has no field ${b} in Vault`);
  } else if (root === 'login' && a === 'session') value = scope.session;
  else if (root === 'password') value = scope.password;
  else if (root === 'oldPassword') value = scope.oldPassword;
  else if (root === 'newPassword') value = scope.newPassword;
  if (value === undefined) throw missing('no value in this request');
  return value;
}

function applyFilter(value: string, filter: Filter): string {
  if (filter === 'base64') return Buffer.from(value, 'utf8').toString('base64');
  if (filter === 'urlencode') return encodeURIComponent(value);
  return JSON.stringify(value);
}

/**
 * Renders a template. Every secret value, and each filtered form of it, is added to `secrets`, so
 * the transport can scrub them from anything it reports.
 */
export function render(t: Template, scope: Scope, secrets: Set<string>): string {
  let out = '';
  for (const part of t.parts) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    let value = lookup(part.name, scope);
    const secret = isSecretName(part.name);
    if (secret) secrets.add(value);
    for (const f of part.filters) {
      value = applyFilter(value, f);
      if (secret) secrets.add(value);
    }
    out += value;
  }
  if (t.parts.some((p) => typeof p !== 'string' && isSecretName(p.name))) secrets.add(out);
  return out;
}
