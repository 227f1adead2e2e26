import { Misconfigured } from '../../errors/index.js';
import type { HuaweiCall } from '../huawei/http.js';
import type { HttpRequestSpec } from './schema.js';
import { holesOf, parseTemplate, render, TemplateValueError, type Scope, type Template } from './template.js';

/** A request description with its templates parsed once. */
export interface CompiledRequest {
  spec: HttpRequestSpec;
  path: Template;
  query: [string, Template][];
  headers: [string, Template][];
  basicAuth?: { username: Template; password: Template };
  form?: [string, Template][];
  /** Every template of the request, the JSON body's strings included. */
  all: Template[];
}

const compileMap = (m: Record<string, string>): [string, Template][] =>
  Object.entries(m).map(([k, v]) => [k, parseTemplate(v)]);

function jsonStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(jsonStrings);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(jsonStrings);
  return [];
}

export function compileRequest(spec: HttpRequestSpec): CompiledRequest {
  const path = parseTemplate(spec.path);
  const query = compileMap(spec.query);
  const headers = compileMap(spec.headers);
  const basicAuth = spec.basicAuth && {
    username: parseTemplate(spec.basicAuth.username),
    password: parseTemplate(spec.basicAuth.password),
  };
  const form = spec.form && compileMap(spec.form);
  const all = [
    path,
    ...[...query, ...headers, ...(form ?? [])].map(([, t]) => t),
    ...(basicAuth ? [basicAuth.username, basicAuth.password] : []),
    ...jsonStrings(spec.json).map(parseTemplate),
  ];
  return { spec, path, query, headers, basicAuth, form, all };
}

/** Whether any template of the request uses `name` (e.g. `password`, `login.session`). */
export function uses(req: CompiledRequest, name: string): boolean {
  return req.all.some((t) => holesOf(t).some((h) => h.name.join('.') === name));
}

/** Every string of a JSON body rendered as a template; numbers, booleans and nulls as written. */
function renderJson(value: unknown, scope: Scope, secrets: Set<string>): unknown {
  if (typeof value === 'string') return render(parseTemplate(value), scope, secrets);
  if (Array.isArray(value)) return value.map((v) => renderJson(v, scope, secrets));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderJson(v, scope, secrets)]));
  return value;
}

/**
 * Builds the transport call of one request. Secrets (checked at load to render only into headers and
 * bodies) are collected into the call's `secrets`, which the transport scrubs from anything it reports.
 */
export function buildCall(
  req: CompiledRequest,
  scope: Scope,
  opts: { name: string; mutating: boolean; targetId: string },
): HuaweiCall {
  const secrets = new Set<string>();
  try {
    const path = render(req.path, scope, secrets);
    const query = new URLSearchParams(
      req.query.map(([k, t]): [string, string] => [k, render(t, scope, secrets)]),
    ).toString();
    const headers = Object.fromEntries(req.headers.map(([k, t]) => [k, render(t, scope, secrets)]));
    if (req.basicAuth) {
      const user = render(req.basicAuth.username, scope, secrets);
      const pass = render(req.basicAuth.password, scope, secrets);
      const basic = Buffer.from(`${user}:${pass}`, 'utf8').toString('base64');
      if (secrets.size > 0) secrets.add(basic);
      headers.Authorization = `Basic ${basic}`;
    }
    const spec = req.spec;
    const body = req.form
      ? new URLSearchParams(req.form.map(([k, t]): [string, string] => [k, render(t, scope, secrets)])).toString()
      : undefined;
    const json = spec.json === undefined || body !== undefined ? undefined : renderJson(spec.json, scope, secrets);
    if (body !== undefined) for (const s of [...secrets]) secrets.add(new URLSearchParams({ s }).toString().slice(2));
    if (json !== undefined) for (const s of [...secrets]) secrets.add(JSON.stringify(s).slice(1, -1));
    return {
      name: opts.name,
      method: spec.method,
      path: query ? `${path}${path.includes('?') ? '&' : '?'}${query}` : path,
      headers,
      ...(body !== undefined ? { body, contentType: spec.contentType ?? 'application/x-www-form-urlencoded' } : {}),
      ...(json !== undefined ? { json, contentType: spec.contentType ?? 'application/json' } : {}),
      mutating: opts.mutating,
      secrets: [...secrets],
    };
  } catch (err) {
    // A credential field missing in Vault: the message names the template, never a value.
    if (err instanceof TemplateValueError) throw new Misconfigured(`${opts.targetId}: ${opts.name}: ${err.message}`);
    throw err;
  }
}
