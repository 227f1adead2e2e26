import { describe, expect, it } from '@jest/globals';
import { checkTemplates } from '../../src/connectors/http/checkTemplates.js';
import { buildCall, compileRequest } from '../../src/connectors/http/request.js';
import { httpTargetSchema, requestSchema } from '../../src/connectors/http/schema.js';
import { parseTemplate, render, type Scope } from '../../src/connectors/http/template.js';

const scope: Scope = {
  vars: { account: 'bob@acme.com', id: 'a b/c' },
  credentials: { admin: { userName: 'root', password: 'Adm1n"Pa55&=' } },
  password: 'P@ss:w"rd&x=1',
  oldPassword: 'Old-Pa55',
  newPassword: 'New"Pa55&x',
  session: 'sess-123',
};

const renderText = (text: string, secrets = new Set<string>()) => render(parseTemplate(text), scope, secrets);

describe('http target templates', () => {
  it('renders names and applies filters left to right', () => {
    expect(renderText('/users/{{ vars.id | urlencode }}/x')).toBe('/users/a%20b%2Fc/x');
    expect(renderText('{{ vars.account | base64 }}')).toBe(Buffer.from('bob@acme.com').toString('base64'));
    expect(renderText('{{ vars.id | base64 | urlencode }}')).toBe(
      encodeURIComponent(Buffer.from('a b/c').toString('base64')),
    );
    expect(renderText('{"p": {{ newPassword | json }}}')).toBe(`{"p": ${JSON.stringify('New"Pa55&x')}}`);
    expect(renderText('plain text, no holes')).toBe('plain text, no holes');
  });

  it('collects every secret it renders, in each encoded form, and no plain var', () => {
    const secrets = new Set<string>();
    renderText('Bearer {{ login.session | base64 }} for {{ vars.account }}', secrets);
    expect([...secrets].sort()).toEqual(
      [
        'sess-123',
        Buffer.from('sess-123').toString('base64'),
        `Bearer ${Buffer.from('sess-123').toString('base64')} for bob@acme.com`,
      ].sort(),
    );
  });

  it.each([
    ['{{ vars.account', 'found "{{" without a closing "}}"'],
    ['x }} y', 'found "}}" without an opening "{{"'],
    ['{{ vars.account | sha1 }}', 'unknown filter "sha1": expected one of base64, urlencode, json'],
    ['{{ vars.account + "x" }}', 'expected a name like {{ vars.account }} or {{ newPassword }} inside "{{ }}"'],
    ['{{ }}', 'expected a name like'],
  ])('refuses %s', (text, message) => {
    expect(() => parseTemplate(text)).toThrow(message);
  });
});

/** A valid target to break one field at a time. */
const base = () => ({
  id: 't1',
  kind: 'http',
  endpoint: 'https://api.example.test',
  secretPath: 'x/t1',
  vars: { account: 'bob' },
  credentials: ['admin'],
  login: {
    method: 'POST',
    path: '/login',
    json: { user: '{{ vars.account }}', password: '{{ password }}' },
    success: { status: 200 },
    session: { body: '/token' },
  },
  change: {
    method: 'PUT',
    path: '/password',
    headers: { 'X-Token': '{{ login.session }}' },
    json: { old: '{{ oldPassword }}', new: '{{ newPassword }}' },
    success: { status: 204 },
  },
});

type Target = ReturnType<typeof base> & Record<string, unknown>;
const problems = (edit: (t: Target) => void) => {
  const t = base() as Target;
  edit(t);
  return checkTemplates(t).map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('http target checks at load', () => {
  it('accepts the base target, as the schema does', () => {
    expect(problems(() => undefined)).toEqual([]);
    expect(httpTargetSchema.safeParse(base()).success).toBe(true);
  });

  it.each<[string, (t: Target) => void, string]>([
    [
      'an unknown var, with the likely name',
      (t) => (t.change.json.new = '{{ vars.acount }}'),
      'change.json.new: unknown variable {{ vars.acount }} (did you mean {{ vars.account }}?)',
    ],
    [
      'a credential the target does not list',
      (t) => (t.login.json.user = '{{ credentials.root.userName }}'),
      "login.json.user: unknown variable {{ credentials.root.userName }}; in the login request the names are: vars.account, password, credentials.admin.FIELD (list root under the target's credentials: to use it)",
    ],
    [
      'the new password in the login',
      (t) => (t.login.json.password = '{{ newPassword }}'),
      'login.json.password: unknown variable {{ newPassword }}',
    ],
    [
      'the password in the change',
      (t) => (t.change.json.old = '{{ password }}'),
      'change.json.old: unknown variable {{ password }}',
    ],
    [
      'a secret in the query',
      (t) => Object.assign(t.login, { query: { pw: '{{ password | urlencode }}' } }),
      'login.query.pw: {{ password }} is a secret and may not render into the query',
    ],
    [
      'a credential in the path',
      (t) => (t.change.path = '/u/{{ credentials.admin.password }}'),
      'change.path: {{ credentials.admin.password }} is a secret and may not render into the path',
    ],
    [
      'a session without a login',
      (t) => Object.assign(t, { login: undefined, verify: 'none' }),
      'change.headers.X-Token: {{ login.session }} needs a login',
    ],
    [
      'a session the login does not say where to find',
      (t) => Object.assign(t.login, { session: undefined }),
      "change.headers.X-Token: {{ login.session }} needs to know where the login's session is",
    ],
    [
      'an idempotent change that sends the old password',
      (t) => Object.assign(t.change, { idempotent: true }),
      'change.idempotent: idempotent: true means the same change may be sent again',
    ],
    [
      'a change that never sends the new password',
      (t) => (t.change.json.new = 'fixed'),
      'change: the change request never sends {{ newPassword }}',
    ],
    [
      'verify by a login that does not send the password',
      (t) => (t.login.json.password = '{{ credentials.admin.password }}'),
      'verify: verify: login needs a login that sends {{ password }}',
    ],
    [
      'both a json and a form body',
      (t) => Object.assign(t.change, { form: { a: 'b' } }),
      'change.form: expected one body: json or form, not both',
    ],
    [
      'a cooldown rule without a duration',
      (t) => Object.assign(t.change, { refusals: [{ status: 409, outcome: 'cooldown' }] }),
      'change.refusals.0.cooldown: expected a duration for a cooldown refusal',
    ],
    [
      'equals without a pointer',
      (t) => Object.assign(t.change, { refusals: [{ status: 400, equals: 'X', outcome: 'unchanged' }] }),
      'change.refusals.0.equals: equals compares a body field: add pointer:',
    ],
    [
      'a template syntax error',
      (t) => (t.change.headers['X-Token'] = '{{ login.session'),
      'change.headers.X-Token: template: found "{{" without a closing "}}"',
    ],
  ])('reports %s', (_what, edit, expected) => {
    expect(problems(edit).some((p) => p.startsWith(expected))).toBe(true);
  });
});

describe('http target requests', () => {
  const call = (spec: Record<string, unknown>) =>
    buildCall(compileRequest(requestSchema.parse(spec)), scope, { name: 'http.x', mutating: true, targetId: 't' });

  it('form-encodes a form body and scrubs the encoded secrets too', () => {
    const c = call({
      method: 'POST',
      path: '/reset',
      form: { user: '{{ vars.account }}', pw: '{{ newPassword }}' },
      success: { status: 200 },
    });
    expect(c.body).toBe(new URLSearchParams({ user: 'bob@acme.com', pw: 'New"Pa55&x' }).toString());
    expect(c.contentType).toBe('application/x-www-form-urlencoded');
    expect(c.secrets).toEqual(expect.arrayContaining(['New"Pa55&x', 'New%22Pa55%26x']));
  });

  it('sends Basic auth and a JSON body, with every form of the secrets to scrub', () => {
    const c = call({
      method: 'POST',
      path: '/v3/auth?nocatalog=true',
      query: { scope: '{{ vars.account }}' },
      basicAuth: { username: '{{ vars.account }}', password: '{{ password }}' },
      json: { password: '{{ password }}', n: 72, flags: [true, null] },
      success: { status: 201 },
    });
    const basic = Buffer.from(`bob@acme.com:${scope.password!}`).toString('base64');
    expect(c.path).toBe('/v3/auth?nocatalog=true&scope=bob%40acme.com');
    expect(c.headers?.Authorization).toBe(`Basic ${basic}`);
    expect(c.json).toEqual({ password: scope.password, n: 72, flags: [true, null] });
    expect(c.secrets).toEqual(expect.arrayContaining([scope.password, basic, 'P@ss:w\\"rd&x=1']));
    expect(c.secrets).not.toContain('bob@acme.com');
  });

  it('names a credential field missing in Vault without any value', () => {
    expect(() =>
      call({
        method: 'POST',
        path: '/x',
        json: { k: '{{ credentials.admin.apiKey }}' },
        success: { status: 200 },
      }),
    ).toThrow('t: http.x: {{ credentials.admin.apiKey }}: credential admin has no field apiKey in Vault');
  });
});
