import type { SimClock } from './clock.js';
import type { SimFault, SimFaultKind, SimRequest, SimRequestRecord, SimResponse } from './types.js';

const faultKinds: SimFaultKind[] = ['latency', 'throttle', 'status', 'reply', 'applyThenDrop', 'drop', 'hang'];

export interface SimAdminDeps {
  clock: SimClock;
  faults: () => SimFault[];
  requestLog: () => SimRequestRecord[];
  counters: () => Record<string, number>;
  /** Seeders by name: `POST /__sim/seed/{name}` with the seed as body. */
  seed: Record<string, (s: never) => unknown>;
  /**
   * Test controls by name (`POST /__sim/control/{name}` with a JSON body), e.g. lock or disable a
   * Meeting account. A control throws an Error whose message says what was wrong with the body.
   */
  control: Record<string, (body: unknown) => unknown>;
}

const optionalNumber = (v: unknown) => v === undefined || typeof v === 'number';
const optionalString = (v: unknown) => v === undefined || typeof v === 'string';

/** Why a fault is malformed, or undefined when it is well formed. */
export function faultProblem(v: unknown): string | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'a fault is a JSON object';
  const f = v as Record<string, unknown>;
  if (typeof f.route !== 'string') return 'route must be a route id or "*"';
  if (!faultKinds.includes(f.kind as SimFaultKind)) return `kind must be one of ${faultKinds.join('|')}`;
  if (!optionalNumber(f.times)) return 'times must be a number';
  if (f.kind === 'reply') {
    if (typeof f.status !== 'number' || !Number.isInteger(f.status) || f.status < 100 || f.status > 599)
      return 'a reply fault needs status: an HTTP status (100-599)';
    if (!optionalString(f.body) || !optionalString(f.contentType)) return 'body and contentType must be strings';
    if (f.body !== undefined && f.json !== undefined) return 'give body (text) or json, not both';
    const headers = f.headers;
    if (
      headers !== undefined &&
      (typeof headers !== 'object' ||
        headers === null ||
        Object.values(headers as object).some((h) => typeof h !== 'string'))
    )
      return 'headers must map names to strings';
  }
  if (
    f.kind === 'status' &&
    (!optionalNumber(f.status) || !(f.body === undefined || f.body === 'gateway' || f.body === 'none'))
  )
    return 'a status fault takes status: number and body: gateway|none';
  if (f.kind === 'latency' && !optionalNumber(f.ms)) return 'ms must be a number';
  if (f.kind === 'throttle' && !optionalNumber(f.retryAfterS)) return 'retryAfterS must be a number';
  return undefined;
}

/**
 * The admin API under `/__sim/` (for `rotor sim` and manual tries): inject faults, move the clock,
 * read the request log and counters, seed accounts, drive test controls. It answers undefined for
 * any other path.
 */
export function simAdmin(deps: SimAdminDeps): (req: SimRequest) => Promise<SimResponse | undefined> {
  return async (req) => {
    if (!req.path.startsWith('/__sim/')) return undefined;
    const route = `${req.method} ${req.path}`;
    switch (route) {
      case 'POST /__sim/faults': {
        const list: unknown[] = Array.isArray(req.json) ? req.json : [req.json];
        const problems = list.map(faultProblem);
        const first = problems.findIndex((p) => p !== undefined);
        if (first >= 0) return { status: 400, body: { error: `fault ${first}: ${problems[first]!}` } };
        deps.faults().push(...(list as SimFault[]));
        return { status: 201, body: { faults: deps.faults() } };
      }
      case 'DELETE /__sim/faults':
        deps.faults().splice(0);
        return { status: 204 };
      case 'GET /__sim/faults':
        return { status: 200, body: { faults: deps.faults() } };
      case 'POST /__sim/clock': {
        const advanceMs = (req.json as { advanceMs?: unknown } | undefined)?.advanceMs;
        if (typeof advanceMs !== 'number') return { status: 400, body: { error: 'expected {advanceMs: number}' } };
        deps.clock.advance(advanceMs);
        return { status: 200, body: { now: deps.clock.now() } };
      }
      case 'GET /__sim/requests':
        return { status: 200, body: { requests: deps.requestLog() } };
      case 'GET /__sim/counters':
        return { status: 200, body: { counters: deps.counters() } };
    }
    const seed = /^\/__sim\/seed\/([a-z-]+)$/.exec(req.path);
    const seeder = seed && req.method === 'POST' ? deps.seed[seed[1]!] : undefined;
    if (seeder) return { status: 201, body: { seeded: seeder(req.json as never) } };
    const control = /^\/__sim\/control\/([a-z-]+)$/.exec(req.path);
    const run = control && req.method === 'POST' ? deps.control[control[1]!] : undefined;
    if (run) {
      try {
        return { status: 200, body: { done: run(req.json) ?? true } };
      } catch (err) {
        return { status: 400, body: { error: err instanceof Error ? err.message : String(err) } };
      }
    }
    return { status: 404, body: { error: 'unknown simulator admin path' } };
  };
}
