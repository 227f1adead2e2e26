import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { ReplyFault, SimFault, SimRequest, SimRequestRecord, SimResponse, SimRoute } from './types.js';

/** Headers whose values are credentials: the request log keeps only their scheme. */
const secretHeaders = new Set(['authorization', 'x-auth-token', 'x-access-token', 'x-subject-token']);

function redactHeader(name: string, value: string): string {
  if (!secretHeaders.has(name)) return value;
  const scheme = /^(Basic|HMAC-SHA256|SDK-HMAC-SHA256)\s/.exec(value)?.[1];
  return scheme ? `${scheme} [redacted]` : '[redacted]';
}

export function bodyFieldPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return prefix ? [prefix] : [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
    bodyFieldPaths(v, prefix ? `${prefix}.${k}` : k),
  );
}

function errorCodeOf(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as { error_code?: unknown; error?: { code?: unknown } };
  if (typeof b.error_code === 'string') return b.error_code;
  if (b.error && (typeof b.error.code === 'number' || typeof b.error.code === 'string')) return String(b.error.code);
  return undefined;
}

/** An APIG-style gateway error body (`{error_msg, error_code, request_id}`). */
export function gatewayError(status: number, code: string, msg: string, headers: Record<string, string> = {}) {
  return { status, headers, body: { error_msg: msg, error_code: code, request_id: randomUUID().replace(/-/g, '') } };
}

export interface Dispatcher {
  server: Server;
  requestLog: SimRequestRecord[];
  counters: Map<string, number>;
  faults: SimFault[];
  now: () => number;
}

/**
 * API Gateway's throttling (reference/huawei-cloud-apis.md: 429, `APIG.0308`, "limit:XX,time:1
 * second"): more than `perSecond` API requests within any second (wall clock) are refused.
 */
function makeThrottle(perSecond: number | undefined) {
  const recent: number[] = [];
  return (): boolean => {
    if (perSecond === undefined) return false;
    const t = Date.now();
    while (recent.length > 0 && t - (recent[0] as number) >= 1000) recent.shift();
    if (recent.length >= perSecond) return true;
    recent.push(t);
    return false;
  };
}

/** An HTTP server over a route table, with fault injection, a request log and per-route counters. */
export function makeDispatcher(
  routes: SimRoute[],
  extra: (d: Omit<Dispatcher, 'server'>) => (req: SimRequest) => Promise<SimResponse | undefined>,
  now: () => number,
  rateLimit?: { perSecond: number },
): Dispatcher {
  const overLimit = makeThrottle(rateLimit?.perSecond);
  const requestLog: SimRequestRecord[] = [];
  const counters = new Map<string, number>();
  const faults: SimFault[] = [];
  const admin = extra({ requestLog, counters, faults, now });

  function takeFault(routeId: string): SimFault | undefined {
    const idx = faults.findIndex((f) => f.route === '*' || f.route === routeId);
    if (idx < 0) return undefined;
    const fault = faults[idx]!;
    const times = (fault.times ?? 1) - 1;
    if (times <= 0) faults.splice(idx, 1);
    else fault.times = times;
    return fault;
  }

  async function serve(req: IncomingMessage, res: ServerResponse, rawBody: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim.local');
    let json: unknown;
    try {
      json = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      json = undefined;
    }
    const base: SimRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      rawBody,
      json,
      params: {},
    };
    const adminReply = await admin(base);
    if (adminReply) return write(res, adminReply);

    const match = routes
      .filter((r) => r.method === base.method)
      .map((r) => ({ r, m: r.pattern.exec(base.path) }))
      .find((x) => x.m !== null);
    const routeId = match?.r.id ?? 'unknown';
    counters.set(routeId, (counters.get(routeId) ?? 0) + 1);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      headers[k] = redactHeader(k, Array.isArray(v) ? v.join(', ') : (v ?? ''));
    const record: SimRequestRecord = {
      route: routeId,
      method: base.method,
      path: base.path,
      query: url.search,
      headers,
      contentType: req.headers['content-type'],
      bodyFields: bodyFieldPaths(json),
      status: 0,
      at: now(),
    };
    requestLog.push(record);

    if (!match) {
      record.status = 404;
      return write(
        res,
        gatewayError(404, 'APIG.0101', 'The API does not exist or has not been published in the environment.'),
      );
    }
    const fault = overLimit()
      ? ({ route: routeId, kind: 'throttle', retryAfterS: 1, limit: rateLimit?.perSecond } as const)
      : takeFault(routeId);
    if (fault) record.fault = fault.kind;
    if (fault?.kind === 'latency') await new Promise((r) => setTimeout(r, fault.ms ?? 100));
    if (fault?.kind === 'reply') {
      const out = replyOf(fault);
      record.status = out.status;
      record.errorCode = errorCodeOf(out.body);
      return write(res, out);
    }
    if (fault?.kind === 'hang') return; // never answer: the client's timeout decides
    if (fault?.kind === 'drop') return void req.socket.destroy();
    if (fault?.kind === 'throttle') {
      const retryAfter = String(fault.retryAfterS ?? 1);
      const out = gatewayError(
        429,
        'APIG.0308',
        `The throttling threshold has been reached: policy user over ratelimit,limit:${'limit' in fault ? fault.limit : 10},time:1 second`,
        { 'Retry-After': retryAfter },
      );
      record.status = 429;
      record.errorCode = 'APIG.0308';
      return write(res, out);
    }
    if (fault?.kind === 'status') {
      const status = fault.status ?? 503;
      record.status = status;
      if (fault.body === 'none') return write(res, { status });
      record.errorCode = 'APIG.0201';
      return write(res, gatewayError(status, 'APIG.0201', 'Backend unavailable.'));
    }

    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(match.m?.groups ?? {})) params[k] = decodeURIComponent(v);
    const out = await match.r.handle({ ...base, params });
    // The change is applied; now lose the answer, as a reset connection after processing would.
    if (fault?.kind === 'applyThenDrop') return void req.socket.destroy();
    record.status = out.status;
    record.errorCode = errorCodeOf(out.body);
    write(res, out);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      serve(req, res, Buffer.concat(chunks).toString('utf8')).catch((err: unknown) => {
        write(
          res,
          gatewayError(500, 'SIM.0000', `simulator error: ${err instanceof Error ? err.message : String(err)}`),
        );
      });
    });
  });
  return { server, requestLog, counters, faults, now };
}

/** The reply a `reply` fault asks for; nothing is handled, so nothing changes. */
function replyOf(fault: ReplyFault): SimResponse {
  const headers = { ...fault.headers };
  if (fault.json !== undefined) return { status: fault.status, headers, body: fault.json };
  if (fault.body === undefined) return { status: fault.status, headers };
  if (fault.contentType) headers['Content-Type'] = fault.contentType;
  return { status: fault.status, headers, text: fault.body };
}

function write(res: ServerResponse, out: SimResponse): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = { 'X-Request-Id': randomUUID().replace(/-/g, ''), ...out.headers };
  if (out.text !== undefined) {
    res.writeHead(out.status, headers);
    res.end(out.text);
    return;
  }
  if (out.body === undefined) {
    res.writeHead(out.status, headers);
    res.end();
    return;
  }
  const payload = JSON.stringify(out.body);
  res.writeHead(out.status, { 'Content-Type': 'application/json;charset=UTF-8', ...headers });
  res.end(payload);
}
