import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { isReportFormat, renderReport, reportContentTypes } from '../audit/renderReport.js';
import type { ReportProvider } from '../audit/reportProvider.js';
import { reportCsp as reportPageCsp } from '../audit/reportScript.js';
import { parseReportRange } from '../audit/reportRange.js';
import type { Readiness } from '../observability/health.js';
import { silentLogger, type Logger } from '../observability/logger.js';
import { hasBearer } from './bearerAuth.js';
import { exposureProblem, isLoopback } from './exposure.js';

export interface HttpServerOptions {
  /** Loopback by default: reports and metrics are for this host unless deliberately exposed. @defaultValue '127.0.0.1' */
  host?: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** When set, `/metrics` and `/report` require `Authorization: Bearer <token>` (see `httpTokenFromEnv`). */
  token?: string;
  /**
   * Serve `/metrics` and `/report` on a non-loopback host without a token. Without it, such a server
   * refuses to start. @defaultValue false
   */
  allowUnauthenticated?: boolean;
  readiness: () => Promise<Readiness>;
  /** The registry of `makeMetrics()`. */
  metrics: Registry;
  report: ReportProvider;
  logger?: Logger;
  clock?: () => Date;
}

export interface HttpServer {
  /** Base URL, e.g. `http://127.0.0.1:9464`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const commonHeaders = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};
// The page's own policy (no request of any kind, its one inline script by hash), and no framing.
const reportCsp = `${reportPageCsp}; frame-ancestors 'none'`;

/**
 * The HTTP face of `rotor run`: `/healthz` (the process answers), `/readyz` (Redis and Vault
 * reachable), `/metrics` (Prometheus text) and `/report` (the compliance report). Serves only
 * ids, statuses and figures: nothing here reads a password.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? (() => new Date());
  const problem = exposureProblem({
    host,
    port: options.port,
    token: options.token,
    allowUnauthenticated: options.allowUnauthenticated,
  });
  if (problem) throw new Error(problem);
  if (!options.token && !isLoopback(host)) {
    logger.warn(
      { host },
      'HTTP server serves /metrics and /report beyond loopback without a token (allowUnauthenticated)',
    );
  }

  const send = (
    res: ServerResponse,
    status: number,
    type: string,
    body: string,
    extra: Record<string, string> = {},
  ) => {
    res.writeHead(status, { ...commonHeaders, 'Content-Type': type, ...extra });
    res.end(res.req.method === 'HEAD' ? undefined : body);
  };
  const sendJson = (res: ServerResponse, status: number, value: unknown) =>
    send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(value)}\n`);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://rotor.invalid');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', { Allow: 'GET, HEAD' });
    }
    const guarded = url.pathname === '/metrics' || url.pathname === '/report';
    if (guarded && options.token && !hasBearer(req, options.token)) {
      return send(res, 401, 'text/plain; charset=utf-8', 'a bearer token is required\n', {
        'WWW-Authenticate': 'Bearer realm="rotor"',
      });
    }
    switch (url.pathname) {
      case '/healthz':
        return sendJson(res, 200, { status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
      case '/readyz': {
        const state = await options.readiness();
        const ready = state.redis && state.vault;
        return sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'unready', ...state });
      }
      case '/metrics':
        return send(res, 200, options.metrics.contentType, await options.metrics.metrics());
      case '/report':
        return serveReport(url, res);
      default:
        return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
    }
  }

  async function serveReport(url: URL, res: ServerResponse): Promise<void> {
    const format = url.searchParams.get('format') ?? 'html';
    if (!isReportFormat(format)) return send(res, 400, 'text/plain; charset=utf-8', 'format: json, csv or html\n');
    let range: { since: Date; until: Date };
    try {
      range = parseReportRange(
        { since: url.searchParams.get('since') ?? undefined, until: url.searchParams.get('until') ?? undefined },
        clock(),
      );
    } catch (err) {
      return send(res, 400, 'text/plain; charset=utf-8', `${(err as Error).message}\n`);
    }
    const body = renderReport(await options.report(range), format);
    const extra: Record<string, string> = format === 'html' ? { 'Content-Security-Policy': reportCsp } : {};
    if (format === 'csv') extra['Content-Disposition'] = 'attachment; filename="rotor-compliance.csv"';
    return send(res, 200, reportContentTypes[format], body, extra);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // The cause goes to the log only: an error text could name internals a viewer need not see.
      logger.error({ err, path: req.url?.split('?')[0] }, 'HTTP request failed');
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ url, auth: options.token ? 'bearer' : 'none' }, 'HTTP server listening');
  return {
    url,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
