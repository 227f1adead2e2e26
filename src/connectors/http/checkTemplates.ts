import { closest } from '../../config/suggest.js';
import { holesOf, isSecretName, parseTemplate, TemplateSyntaxError, type Hole } from './template.js';

/**
 * Checks every template of an `http` target when the config is loaded: syntax, names that exist in the
 * step they are used in, and no secret where it could reach a URL (paths and queries end up in access
 * logs, proxies and traces). Each problem names its place in the target and the fix.
 */

export interface TemplateIssue {
  path: (string | number)[];
  message: string;
}

/** Where a template renders. */
type Place = 'path' | 'query' | 'header' | 'body';
type Step = 'login' | 'change' | 'verify';

/** One request, as far as templates go. */
interface RequestView {
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  basicAuth?: { username: string; password: string };
  json?: unknown;
  form?: Record<string, string>;
  refusals: { outcome: unknown; cooldown?: unknown; pointer?: unknown; equals?: unknown }[];
  session?: unknown;
  idempotent: boolean;
}

interface TargetView {
  vars: Record<string, string>;
  credentials: string[];
  login?: RequestView;
  change: RequestView;
  verify: 'login' | 'none' | RequestView;
  cooldown?: unknown;
  mustNotContain: string[];
}

/*
 * The checks run even when other parts of the target are invalid (so one run lists every problem),
 * so they read the target as it was written, taking nothing for granted.
 */
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const objectOf = (v: unknown): Record<string, unknown> => (isObject(v) ? v : {});
const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const stringsOf = (v: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(objectOf(v)).filter((e): e is [string, string] => typeof e[1] === 'string'));

function requestView(v: unknown): RequestView | undefined {
  if (!isObject(v)) return undefined;
  const basic = objectOf(v.basicAuth);
  return {
    path: typeof v.path === 'string' ? v.path : '/',
    query: stringsOf(v.query),
    headers: stringsOf(v.headers),
    basicAuth: isObject(v.basicAuth)
      ? { username: String(basic.username ?? ''), password: String(basic.password ?? '') }
      : undefined,
    json: v.json,
    form: isObject(v.form) ? stringsOf(v.form) : undefined,
    refusals: listOf(v.refusals).map((r) => {
      const { outcome, cooldown, pointer, equals } = objectOf(r);
      return { outcome, cooldown, pointer, equals };
    }),
    session: v.session,
    idempotent: v.idempotent === true,
  };
}

function targetView(raw: unknown): TargetView {
  const t = objectOf(raw);
  const verify = t.verify ?? 'login';
  return {
    vars: stringsOf(t.vars),
    credentials: listOf(t.credentials).filter((c): c is string => typeof c === 'string'),
    login: requestView(t.login),
    change: requestView(t.change) ?? requestView({})!,
    verify: verify === 'login' || verify === 'none' ? verify : (requestView(verify) ?? 'none'),
    cooldown: t.cooldown,
    mustNotContain: listOf(objectOf(t.rules).mustNotContain).filter((c): c is string => typeof c === 'string'),
  };
}

/** Every template of a request with its place and path inside the request. */
function templatesOf(req: RequestView): { at: (string | number)[]; place: Place; text: string }[] {
  const out: { at: (string | number)[]; place: Place; text: string }[] = [
    { at: ['path'], place: 'path', text: req.path },
  ];
  for (const [k, v] of Object.entries(req.query)) out.push({ at: ['query', k], place: 'query', text: v });
  for (const [k, v] of Object.entries(req.headers)) out.push({ at: ['headers', k], place: 'header', text: v });
  if (req.basicAuth) {
    out.push({ at: ['basicAuth', 'username'], place: 'header', text: req.basicAuth.username });
    out.push({ at: ['basicAuth', 'password'], place: 'header', text: req.basicAuth.password });
  }
  for (const [k, v] of Object.entries(req.form ?? {})) out.push({ at: ['form', k], place: 'body', text: v });
  const walk = (value: unknown, at: (string | number)[]): void => {
    if (typeof value === 'string') out.push({ at, place: 'body', text: value });
    else if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...at, i]));
    else if (value !== null && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) walk(v, [...at, k]);
  };
  walk(req.json, ['json']);
  return out;
}

const stepNames: Record<Step, string[]> = {
  login: ['password'],
  verify: ['password'],
  change: ['oldPassword', 'newPassword', 'login.session'],
};

function nameProblem(hole: Hole, step: Step, target: TargetView): string | undefined {
  const [root, a, b, ...more] = hole.name;
  const written = `{{ ${hole.name.join('.')} }}`;
  const known = [
    ...Object.keys(target.vars).map((v) => `vars.${v}`),
    ...stepNames[step].filter((n) => n !== 'login.session' || target.login),
    ...target.credentials.map((c) => `credentials.${c}.FIELD`),
  ];
  const guess = closest(hole.name.join('.'), known);
  const unknown = `unknown variable ${written}${guess ? ` (did you mean {{ ${guess} }}?)` : ''}; in the ${step} request the names are: ${known.join(', ')}`;
  if (root === 'vars') {
    if (a === undefined || b !== undefined) return unknown;
    if (!Object.hasOwn(target.vars, a)) return `${unknown} (add ${a} under vars: if it is meant)`;
    return undefined;
  }
  if (root === 'credentials') {
    if (a === undefined || b === undefined || more.length > 0)
      return `${unknown} (a credential is written {{ credentials.NAME.FIELD }})`;
    if (!target.credentials.includes(a)) return `${unknown} (list ${a} under the target's credentials: to use it)`;
    return undefined;
  }
  const name = hole.name.join('.');
  if (!stepNames[step].includes(name)) {
    if (name === 'login.session' && step === 'change' && !target.login)
      return `${written} needs a login: describe login: with its session, or drop the session from this request`;
    return unknown;
  }
  if (name === 'login.session' && !target.login) return `${written} needs a login: describe login: with its session`;
  if (name === 'login.session' && target.login?.session === undefined)
    return `${written} needs to know where the login's session is: add session: { body: /pointer } | { header: NAME } | { cookie: NAME } to login:`;
  return undefined;
}

function checkRequest(req: RequestView, step: Step, base: (string | number)[], target: TargetView): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  const used = new Set<string>();
  for (const { at, place, text } of templatesOf(req)) {
    const path = [...base, ...at];
    let holes: Hole[];
    try {
      holes = holesOf(parseTemplate(text));
    } catch (err) {
      if (!(err instanceof TemplateSyntaxError)) throw err;
      issues.push({ path, message: `template: ${err.message}` });
      continue;
    }
    for (const hole of holes) {
      used.add(hole.name.join('.'));
      const problem = nameProblem(hole, step, target);
      if (problem) issues.push({ path, message: problem });
      else if (isSecretName(hole.name) && (place === 'path' || place === 'query')) {
        issues.push({
          path,
          message: `{{ ${hole.name.join('.')} }} is a secret and may not render into the ${place}: URLs reach access logs, proxies and traces; send it in a header, basicAuth or the body`,
        });
      }
    }
  }
  if (req.json !== undefined && req.form !== undefined)
    issues.push({ path: [...base, 'form'], message: 'expected one body: json or form, not both' });
  req.refusals.forEach((rule, i) => {
    if (rule.equals !== undefined && rule.pointer === undefined) {
      issues.push({
        path: [...base, 'refusals', i, 'equals'],
        message: 'equals compares a body field: add pointer: (e.g. pointer: /error_code) to say which',
      });
    }
    if (rule.outcome === 'cooldown' && rule.cooldown === undefined && target.cooldown === undefined) {
      issues.push({
        path: [...base, 'refusals', i, 'cooldown'],
        message: 'expected a duration for a cooldown refusal (e.g. cooldown: 5m), or the target-wide cooldown:',
      });
    }
  });
  if (step === 'change') {
    if (!used.has('newPassword'))
      issues.push({ path: base, message: 'the change request never sends {{ newPassword }}' });
    if (target.change.idempotent && used.has('oldPassword')) {
      issues.push({
        path: [...base, 'idempotent'],
        message:
          'idempotent: true means the same change may be sent again after an unknown outcome, which a change that sends {{ oldPassword }} cannot survive; set idempotent: false',
      });
    }
  }
  if (step !== 'change' && req === target.login && !used.has('password') && target.verify === 'login') {
    issues.push({
      path: ['verify'],
      message:
        'verify: login needs a login that sends {{ password }}; the login here authenticates with something else (write a verify request, or verify: none)',
    });
  }
  return issues;
}

export function checkTemplates(raw: unknown): TemplateIssue[] {
  const target = targetView(raw);
  const issues: TemplateIssue[] = [];
  if (!isObject(objectOf(raw).change)) return issues;
  if (target.login) issues.push(...checkRequest(target.login, 'login', ['login'], target));
  issues.push(...checkRequest(target.change, 'change', ['change'], target));
  if (target.verify === 'login' && !target.login) {
    issues.push({
      path: ['verify'],
      message: 'verify: login needs a login: request; describe one, or write verify: none',
    });
  }
  if (typeof target.verify === 'object') issues.push(...checkRequest(target.verify, 'verify', ['verify'], target));
  target.mustNotContain.forEach((name, i) => {
    if (!Object.hasOwn(target.vars, name))
      issues.push({
        path: ['rules', 'mustNotContain', i],
        message: `expected the name of a var, got "${name}" (vars: ${Object.keys(target.vars).join(', ') || 'none'})`,
      });
  });
  return issues;
}
