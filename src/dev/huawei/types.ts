import type { IncomingHttpHeaders } from 'node:http';

/** A parsed request as a simulator route sees it. */
export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** The body parsed as JSON; undefined when empty or not JSON. */
  json: unknown;
  /** Named groups of the route's pattern. */
  params: Record<string, string>;
}

/** What a route answers; the dispatcher writes it (or drops it, when a fault says so). */
export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface SimRoute {
  /** Stable id used by the request log, the counters and fault selection, e.g. `iam.changePassword`. */
  id: string;
  method: string;
  pattern: RegExp;
  handle(req: SimRequest): SimResponse | Promise<SimResponse>;
}

/** One entry of the simulator's request log. Secret header values are replaced, body values never kept. */
export interface SimRequestRecord {
  route: string;
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  contentType: string | undefined;
  /** Dotted paths of the JSON body's leaf fields, e.g. `user.original_password`. */
  bodyFields: string[];
  /** Response status; 0 when the connection was dropped or left hanging. */
  status: number;
  /** Upstream error code of the response, when it carried one. */
  errorCode?: string;
  fault?: string;
  at: number;
}

export type SimFaultKind = 'latency' | 'throttle' | 'status' | 'applyThenDrop' | 'drop' | 'hang';

export interface SimFault {
  /** Route id, or `*` for every route. */
  route: string;
  kind: SimFaultKind;
  /** latency: added delay before handling. */
  ms?: number;
  /** status: the 5xx to answer (default 503) without touching state. */
  status?: number;
  /** status: `gateway` answers an APIG body (not processed), `none` an empty body. */
  body?: 'gateway' | 'none';
  /** throttle: Retry-After seconds (default 1). */
  retryAfterS?: number;
  /** How many matching requests this fault applies to (default 1; Infinity for all). */
  times?: number;
}
