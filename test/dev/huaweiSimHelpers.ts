import { expect } from '@jest/globals';

/** Small fetch helpers for talking to the simulator directly, as a raw client would. */
export interface Reply {
  status: number;
  headers: Headers;
  /** The body parsed as JSON; `{}` when it is empty or not JSON. */
  body: Record<string, unknown>;
  /** The body as received. */
  text: string;
}

export async function call(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = (res.headers.get('content-type') ?? '').includes('json');
  return {
    status: res.status,
    headers: res.headers,
    body: text && json ? (JSON.parse(text) as Record<string, unknown>) : {},
    text,
  };
}

export function iamLogin(url: string, user: string, password: string, domain: string, scope?: unknown) {
  return call(url, 'POST', '/v3/auth/tokens', {
    auth: {
      identity: { methods: ['password'], password: { user: { name: user, password, domain: { name: domain } } } },
      ...(scope ? { scope } : {}),
    },
  });
}

export function basic(account: string, password: string): string {
  return `Basic ${Buffer.from(`${account}:${password}`).toString('base64')}`;
}

const keystoneTitles: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden' };

/** A Keystone error body: `{ error: { code, message, title } }` and nothing else. */
export function expectKeystone(r: Reply, status: number, message?: string): void {
  expect(r.status).toBe(status);
  expect(Object.keys(r.body)).toEqual(['error']);
  expect(r.body.error).toEqual({
    code: status,
    message: message ?? expect.any(String),
    title: keystoneTitles[status] ?? expect.any(String),
  });
}

/**
 * A refused IAM password change: the IAM code in the default mode; in strict-docs mode a Keystone
 * body without any IAM code (`strictMessage` when the page's generic message replaces the specific one).
 */
export function expectIamChangeRefusal(strictDocs: boolean, r: Reply, code: string, strictMessage?: string): void {
  if (strictDocs) return expectKeystone(r, 400, strictMessage);
  expect([r.status, r.body.error_code]).toEqual([400, code]);
  expect(typeof r.body.error_msg).toBe('string');
}

/**
 * A Meeting refusal whose code the API page does not document: `{error_code, error_msg, request_id}`
 * in the default mode, the bare status with an empty body in strict-docs mode.
 */
export function expectMeetingRefusal(strictDocs: boolean, r: Reply, status: number, code: string): void {
  expect(r.status).toBe(status);
  if (strictDocs) {
    expect(r.text).toBe('');
    return;
  }
  expect(r.body.error_code).toBe(code);
  expect(Object.keys(r.body).sort()).toEqual(['error_code', 'error_msg', 'request_id']);
}
