import { ProxyTracerProvider, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import type { Telemetry } from 'bullmq';

/**
 * rotor's spans. Only `@opentelemetry/api` is imported here: without an installed SDK (the default, see
 * tracingSdk.ts) every span below is a no-op that costs next to nothing. What a span carries is chosen
 * so no secret can reach it: ids, kinds, step names, codes, HTTP method, host, path and status — never a
 * header, a body or a query string.
 */
const tracerName = 'rotor';

export function rotorTracer() {
  return trace.getTracer(tracerName);
}

// What the API's tracer provider hands spans to while no SDK is registered: the no-op provider.
const noopDelegate = new ProxyTracerProvider().getDelegate();

/**
 * True once a tracer provider is registered (tracingSdk.ts, or a test's). Until then every span would
 * be a no-op, so the per-request and per-step spans below are not made at all — nor their attributes
 * and URLs, which would be built for nothing on every call.
 */
export function tracingActive(): boolean {
  const provider = trace.getTracerProvider();
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegate() !== noopDelegate;
}

/**
 * Tracing is off unless the standard OTEL_* variables ask for it: an OTLP endpoint, or an explicit
 * `OTEL_TRACES_EXPORTER` of `otlp` or `console`. `OTEL_SDK_DISABLED=true` and `OTEL_TRACES_EXPORTER=none`
 * turn it off whatever else is set.
 */
export function tracingWanted(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean);
  if (exporters.includes('none')) return false;
  if (exporters.some((e) => e === 'otlp' || e === 'console')) return true;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

// BullMQ's telemetry (bullmq-otel), set once tracing is installed; queues and workers made after that
// carry the trace context in each job's options, so a request's trace continues in the worker.
let telemetry: Telemetry | undefined;

export function setQueueTelemetry(value: Telemetry | undefined): void {
  telemetry = value;
}

/** `{ telemetry }` for a Queue's or Worker's options when tracing is on, else nothing. */
export function queueTelemetry(): { telemetry?: Telemetry } {
  return telemetry ? { telemetry } : {};
}

/** Runs `fn` in a span; an error marks the span and is rethrown unchanged. */
export async function inSpan<T>(
  name: string,
  kind: SpanKind,
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return rotorTracer().startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: errorName(err) });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** The error's name or code only: a message may quote what a server sent back. */
function errorName(err: unknown): string {
  if (err !== null && typeof err === 'object') {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    if (err instanceof Error) return err.name;
  }
  return 'Error';
}

/** A request for a rotation, around the queue's own `add` span. */
export function traceEnqueue<T>(targetId: string, dryRun: boolean, fn: () => Promise<T>): Promise<T> {
  return inSpan('rotor.enqueue', SpanKind.PRODUCER, { 'rotor.target.id': targetId, 'rotor.dry_run': dryRun }, fn);
}

export interface HttpCallInfo {
  /** Who is called: `huawei`, `http` (a target described in the config) or `vault`. */
  system: string;
  method: string;
  url: URL;
  /** A name for the call that holds no value (`iam.changePassword`, `read secret/data/...`). */
  operation: string;
}

/**
 * One HTTP call as a client span: method, host, port and path (no query, which could hold a token).
 * `describe` is asked only when tracing is active; `statusOf` reads the status from the result,
 * `statusOfError` from a failure (none: no HTTP answer).
 */
export function traceHttp<T>(
  describe: () => HttpCallInfo,
  fn: () => Promise<T>,
  statusOf: (result: T) => number,
  statusOfError: (err: unknown) => number | undefined = () => undefined,
): Promise<T> {
  if (!tracingActive()) return fn();
  const info = describe();
  const { url } = info;
  const attributes: Attributes = {
    'http.request.method': info.method,
    'server.address': url.hostname,
    'url.path': url.pathname,
    'rotor.peer.system': info.system,
    'rotor.operation': info.operation,
  };
  if (url.port) attributes['server.port'] = Number(url.port);
  return inSpan(`${info.method} ${info.system}`, SpanKind.CLIENT, attributes, async (span) => {
    let result: T;
    try {
      result = await fn();
    } catch (err) {
      const status = statusOfError(err);
      if (status !== undefined) span.setAttribute('http.response.status_code', status);
      throw err;
    }
    const status = statusOf(result);
    span.setAttribute('http.response.status_code', status);
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    return result;
  });
}

export interface StepSpans {
  /** The engine's step timer (`observeStep`): one span per finished step, back-dated to its start. */
  observe(step: string, seconds: number): void;
  /** The attempt ended without reaching its next step: the unfinished part as a span with its outcome. */
  failed(outcome: string, errorCode: string): void;
}

/**
 * Step spans of one rotation attempt. The engine reports a step when it is done, with its duration, so
 * each span is created then with the step's start time; it becomes a child of the job's `process` span.
 */
export function stepSpans(target: { id: string; kind: string }, attempt: number, jobId?: string): StepSpans {
  let last = Date.now();
  let lastStep = 'start';
  const record = (step: string, startTime: number, outcome: string, errorCode?: string) => {
    const attributes: Attributes = {
      'rotor.target.id': target.id,
      'rotor.target.kind': target.kind,
      'rotor.rotation.step': step,
      'rotor.rotation.outcome': outcome,
      'rotor.rotation.attempt': attempt,
    };
    if (jobId !== undefined) attributes['rotor.job.id'] = jobId;
    if (errorCode !== undefined) attributes['rotor.error.code'] = errorCode;
    const span = rotorTracer().startSpan(`rotation.${step}`, { attributes, startTime });
    if (errorCode !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: errorCode });
    span.end();
  };
  return {
    observe(step, seconds) {
      const now = Date.now();
      if (tracingActive()) record(step, now - Math.round(seconds * 1000), 'done');
      last = now;
      lastStep = step;
    },
    failed(outcome, errorCode) {
      if (!tracingActive()) return;
      // The engine's timer does not know which step was under way, only the last one finished.
      record(`after-${lastStep}`, last, outcome, errorCode);
    },
  };
}
