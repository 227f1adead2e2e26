import http, { type IncomingMessage, type ServerResponse } from 'node:http';

/** Passes a request on to `target` and its answer back. */
export function forward(agent: http.Agent, target: URL, req: IncomingMessage, res: ServerResponse): void {
  const upstream = http.request(
    { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
    (answer) => {
      answer.on('error', () => res.destroy());
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  // A client gone mid-request (the benchmark ending) must not take the servers down.
  req.on('error', () => upstream.destroy());
  res.on('error', () => upstream.destroy());
  req.pipe(upstream);
}

/** Answers with a JSON body (the gateway's own 429s). */
export function writeJson(
  res: ServerResponse,
  out: { status: number; headers?: Record<string, string>; body?: unknown },
) {
  const payload = JSON.stringify(out.body ?? {});
  res.writeHead(out.status, { 'Content-Type': 'application/json;charset=UTF-8', ...out.headers });
  res.end(payload);
}
