import type { SimClock } from './clock.js';
import type { SimFault, SimFaultKind, SimRequest, SimRequestRecord, SimResponse } from './types.js';

const faultKinds: SimFaultKind[] = ['latency', 'throttle', 'status', 'applyThenDrop', 'drop', 'hang'];

export interface SimAdminDeps {
  clock: SimClock;
  faults: () => SimFault[];
  requestLog: () => SimRequestRecord[];
  counters: () => Record<string, number>;
  /** Seeders by name: `POST /__sim/seed/{name}` with the seed as body. */
  seed: Record<string, (s: never) => unknown>;
}

function isFault(v: unknown): v is SimFault {
  const f = v as Partial<SimFault> | null;
  return !!f && typeof f.route === 'string' && faultKinds.includes(f.kind as SimFaultKind);
}

/**
 * The admin API under `/__sim/` (for `rotor sim` and manual tries): inject faults, move the clock,
 * read the request log and counters, seed accounts. It answers undefined for any other path.
 */
export function simAdmin(deps: SimAdminDeps): (req: SimRequest) => Promise<SimResponse | undefined> {
  return async (req) => {
    if (!req.path.startsWith('/__sim/')) return undefined;
    const route = `${req.method} ${req.path}`;
    switch (route) {
      case 'POST /__sim/faults': {
        const list: unknown[] = Array.isArray(req.json) ? req.json : [req.json];
        if (!list.every(isFault))
          return { status: 400, body: { error: `faults need {route, kind: ${faultKinds.join('|')}}` } };
        deps.faults().push(...list);
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
    return { status: 404, body: { error: 'unknown simulator admin path' } };
  };
}
