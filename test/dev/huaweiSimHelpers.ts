/** Small fetch helpers for talking to the simulator directly, as a raw client would. */
export interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
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
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
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
