import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { got, type RequestError } from 'got';
import type { Logger } from '../../observability/logger.js';
import { traceHttp } from '../../observability/tracing.js';
import { Misconfigured, OutcomeUnknown, TargetUnchanged, Throttled } from '../../errors/index.js';
import { parseHuaweiError, scrub, type HuaweiErrorBody } from './errorBody.js';
import type { HuaweiHttpSettings } from './settings.js';
import type { RateGate, RateGateFactory } from './sharedRateGate.js';
import { bucketFor } from './tokenBucket.js';

/** One request to a Huawei API, as a connector describes it. */
export interface HuaweiCall {
  /** Stable name for logs, e.g. `iam.changePassword`. */
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path (and query) below the endpoint. */
  path: string;
  /**
   * The path as logs and traces show it, when the real one carries part of a credential (an access key's
   * AK names the key in IAM's paths). @defaultValue `path`
   */
  shownPath?: string;
  headers?: Record<string, string>;
  json?: unknown;
  /** A body already encoded (a form); sent instead of `json`, with `contentType`. */
  body?: string;
  /** @defaultValue `application/json` */
  contentType?: string;
  /** A change: a failure after the request may have been received is OutcomeUnknown, not TargetUnchanged. */
  mutating: boolean;
  /** Values that must never reach an error message (passwords, tokens of this call). */
  secrets: readonly string[];
  /** Adds authentication headers computed over the final request (AK/SK signing). */
  sign?: (req: { method: string; url: URL; headers: Record<string, string>; body: string }) => Record<string, string>;
}

export interface HuaweiReply {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body parsed as JSON; undefined when empty or not JSON. */
  body: unknown;
  /** The body as text (at most 64 KiB), for rules that match it; never logged. */
  text?: string;
  /** What came back: nothing, a JSON document, or something else (an HTML page from a proxy, text). */
  bodyKind: 'empty' | 'json' | 'other';
  /** The media type without parameters, lower-case (`application/json`, `text/html`), when sent. */
  contentType?: string;
  requestId: string;
  error: HuaweiErrorBody;
}

export interface HuaweiHttpOptions {
  endpoint: string;
  caFile?: string;
  insecureSkipVerify: boolean;
  settings: HuaweiHttpSettings;
  logger: Logger;
  /** Where the per-endpoint rate is kept: shared across processes (Redis) or, by default, in this process. */
  rateGate?: RateGateFactory;
  /** Who is called, for traces: `huawei` (default), or `http` for a target described in the config. */
  system?: string;
}

// Keep-alive agents shared by every connector: rotations against one endpoint reuse connections.
const agent = {
  http: new http.Agent({ keepAlive: true, maxSockets: 32 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 32 }),
};

const notSentCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const preSendTimeouts = new Set(['lookup', 'connect', 'secureConnect']);
const tlsCodes = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL/;

/** Parses Retry-After (seconds or an HTTP date) into ms; 1 s when absent. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return 1000;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? 1000 : Math.max(0, at - now);
}

/**
 * The shared transport of the Huawei connectors: TLS verified (custom CA allowed), timeouts, keep-alive,
 * a UUID X-Request-Id per request, a token bucket per endpoint, and the classification every call shares
 * (transport failures, 429, 5xx). 4xx replies are returned for the connector to classify.
 */
/** The transport fields every Huawei target has (see `settings.ts` and `targetCommonShape`). */
export interface HuaweiTransportTarget {
  caFile?: string;
  insecureSkipVerify: boolean;
  http: HuaweiHttpSettings;
}

/** A transport to `endpoint` with a target's TLS, timeout and rate settings and the connector's deps. */
export function huaweiHttpFor(
  endpoint: string,
  target: HuaweiTransportTarget,
  deps: Pick<HuaweiHttpOptions, 'logger' | 'rateGate'>,
  system?: string,
): HuaweiHttp {
  return new HuaweiHttp({
    endpoint,
    caFile: target.caFile,
    insecureSkipVerify: target.insecureSkipVerify,
    settings: target.http,
    logger: deps.logger,
    rateGate: deps.rateGate,
    ...(system === undefined ? {} : { system }),
  });
}

export class HuaweiHttp {
  private readonly ca?: Buffer;
  private readonly bucket: RateGate;

  constructor(private readonly opts: HuaweiHttpOptions) {
    if (opts.caFile) this.ca = readFileSync(opts.caFile);
    const origin = new URL(opts.endpoint).origin;
    const gate = opts.rateGate ?? bucketFor;
    this.bucket = gate(origin, opts.settings.ratePerSecond, opts.settings.rateBurst);
    if (opts.insecureSkipVerify) {
      opts.logger.warn({ endpoint: origin }, 'TLS VERIFICATION IS OFF for this target (insecureSkipVerify: true)');
    }
  }

  async send(call: HuaweiCall): Promise<HuaweiReply> {
    for (let attempt = 0; ; attempt++) {
      const reply = await this.once(call);
      if (reply.status === 429) {
        const waitMs = retryAfterMs(reply.headers['retry-after']);
        // A 429 was refused at the gateway: nothing was applied, so waiting and resending is safe.
        if (attempt === 0 && waitMs <= this.opts.settings.maxInlineThrottleWaitMs) {
          await new Promise((r) => setTimeout(r, waitMs));
          continue;
        }
        throw new Throttled(`${call.name}: throttled (429 ${reply.error.code ?? ''})`.trim(), {
          status: 429,
          upstreamCode: reply.error.code,
          requestId: reply.requestId,
          retryAfterMs: waitMs,
        });
      }
      if (reply.status >= 500) throw this.serverError(call, reply);
      return reply;
    }
  }

  private serverError(call: HuaweiCall, reply: HuaweiReply): Error {
    const details = { status: reply.status, upstreamCode: reply.error.code, requestId: reply.requestId };
    const what = `${call.name}: ${reply.status} ${reply.error.code ?? 'without a documented error body'}`;
    // 503 with a documented body: the service or its gateway refused before processing.
    if (!call.mutating || (reply.status === 503 && reply.error.style !== 'none')) {
      return new TargetUnchanged(`${what} (not processed)`, details);
    }
    return new OutcomeUnknown(`${what}: the change may have been applied`, details);
  }

  private once(call: HuaweiCall): Promise<HuaweiReply> {
    return traceHttp(
      () => ({
        system: this.opts.system ?? 'huawei',
        method: call.method,
        url: new URL(call.shownPath ?? call.path, this.opts.endpoint),
        operation: call.name,
      }),
      () => this.untracedOnce(call),
      (reply) => reply.status,
    );
  }

  private async untracedOnce(call: HuaweiCall): Promise<HuaweiReply> {
    await this.bucket.take();
    const requestId = randomUUID();
    const url = new URL(call.path, this.opts.endpoint);
    const body = call.body ?? (call.json === undefined ? '' : JSON.stringify(call.json));
    const headers: Record<string, string> = { 'X-Request-Id': requestId, ...call.headers };
    if (call.body !== undefined || call.json !== undefined)
      headers['Content-Type'] = call.contentType ?? 'application/json';
    if (call.sign) Object.assign(headers, call.sign({ method: call.method, url, headers: { ...headers }, body }));
    const shown = call.shownPath === undefined ? url : new URL(call.shownPath, this.opts.endpoint);
    const log = { requestId, call: call.name, method: call.method, path: shown.pathname };
    const started = Date.now();
    const { settings } = this.opts;
    try {
      const res = await got(url, {
        method: call.method,
        headers,
        body: body || undefined,
        throwHttpErrors: false,
        followRedirect: false,
        retry: { limit: 0 },
        agent,
        timeout: {
          lookup: settings.connectTimeoutMs,
          connect: settings.connectTimeoutMs,
          secureConnect: settings.connectTimeoutMs,
          send: settings.responseTimeoutMs,
          response: settings.responseTimeoutMs,
        },
        https: { certificateAuthority: this.ca, rejectUnauthorized: !this.opts.insecureSkipVerify },
      });
      let parsed: unknown;
      let bodyKind: HuaweiReply['bodyKind'] = res.body.trim() === '' ? 'empty' : 'json';
      try {
        parsed = bodyKind === 'json' ? JSON.parse(res.body) : undefined;
      } catch {
        parsed = undefined;
        bodyKind = 'other';
      }
      const contentType = res.headers['content-type']?.split(';')[0]?.trim().toLowerCase() || undefined;
      const error = res.statusCode >= 400 ? parseHuaweiError(parsed) : { style: 'none' as const };
      error.message = scrub(error.message, call.secrets);
      // Built only when written: at the default level (info) the line is dropped.
      if (this.opts.logger.isLevelEnabled('debug')) {
        this.opts.logger.debug(
          { ...log, status: res.statusCode, upstreamCode: error.code, ms: Date.now() - started },
          'huawei request',
        );
      }
      const text = res.body.slice(0, 65_536);
      return {
        status: res.statusCode,
        headers: res.headers,
        body: parsed,
        text,
        bodyKind,
        contentType,
        requestId,
        error,
      };
    } catch (err) {
      const classified = this.transportError(call, err as RequestError, requestId);
      this.opts.logger.warn({ ...log, ms: Date.now() - started, err: classified }, 'huawei request failed');
      throw classified;
    }
  }

  /** A failure without an HTTP answer: decide whether the request can have reached the service. */
  private transportError(call: HuaweiCall, err: RequestError, requestId: string): Error {
    const code = err.code ?? '';
    const event = (err as RequestError & { event?: string }).event;
    const details = { requestId };
    const reason = `${call.name}: ${err.name} ${code}${event ? ` (${event})` : ''}`.trim();
    if (tlsCodes.test(code))
      return new Misconfigured(`${reason}: TLS verification failed (set caFile for a private CA)`, details);
    if (notSentCodes.has(code) || (event !== undefined && preSendTimeouts.has(event))) {
      return new TargetUnchanged(`${reason}: not sent`, details);
    }
    if (!call.mutating) return new TargetUnchanged(`${reason}: no answer`, details);
    return new OutcomeUnknown(`${reason}: sent, no answer; the change may have been applied`, details);
  }
}
