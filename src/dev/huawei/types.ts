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
  /** Sent as JSON. Leave both `body` and `text` out for an empty body. */
  body?: unknown;
  /** Sent as is (with only the headers given): for replies that are not JSON. */
  text?: string;
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

export type SimFaultKind = 'latency' | 'throttle' | 'status' | 'reply' | 'applyThenDrop' | 'drop' | 'hang';

interface FaultBase {
  /** Route id, or `*` for every route. */
  route: string;
  /** How many matching requests this fault applies to (default 1; Infinity for all). */
  times?: number;
}

/** Adds a delay, then handles the request normally. */
export interface LatencyFault extends FaultBase {
  kind: 'latency';
  /** Added delay before handling (default 100). */
  ms?: number;
}

/** A 429 APIG.0308 with Retry-After, without touching state. */
export interface ThrottleFault extends FaultBase {
  kind: 'throttle';
  /** Retry-After seconds (default 1). */
  retryAfterS?: number;
}

/** A 5xx without touching state. */
export interface StatusFault extends FaultBase {
  kind: 'status';
  /** The status to answer (default 503). */
  status?: number;
  /** `gateway` (default) answers an APIG body, `none` an empty body. */
  body?: 'gateway' | 'none';
}

/**
 * Answers exactly this reply without applying the change: an HTML page from a proxy, an empty 200,
 * a JSON error body. `json` is sent as `application/json`; `body` is sent as is, with `contentType`
 * when given; neither means an empty body.
 */
export interface ReplyFault extends FaultBase {
  kind: 'reply';
  status: number;
  contentType?: string;
  body?: string;
  json?: unknown;
  headers?: Record<string, string>;
}

/** applyThenDrop: apply the change, then reset the connection; drop: reset before; hang: never answer. */
export interface ConnectionFault extends FaultBase {
  kind: 'applyThenDrop' | 'drop' | 'hang';
}

export type SimFault = LatencyFault | ThrottleFault | StatusFault | ReplyFault | ConnectionFault;
