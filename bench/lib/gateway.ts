/**
 * The rate-limiting gateway of a benchmark, in a process of its own: it admits at most `limit`
 * requests in any sliding second and answers the rest 429 (APIG.0308, Retry-After: 1), as Huawei's
 * API gateway does, passing the others on to the simulator. Its own process keeps its event loop
 * free: an arrival is stamped when it is read, and in the servers' busy process (simulator, Vault
 * emulator) a stall stamped the requests that arrived during it together, as if they had bunched.
 * Started by bench/lib/servers.ts; options come as JSON in argv[2]; answers `stats` over IPC.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gatewayError } from '../../src/dev/huawei/server.js';
import { forward, writeJson } from './proxy.js';

export interface GatewayOptions {
  /** The simulator's address. */
  target: string;
  limit: number;
}

export interface GatewayCounters {
  admitted: number;
  rejected: number;
  maxPerSecond: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as GatewayOptions;
const counters: GatewayCounters = { admitted: 0, rejected: 0, maxPerSecond: 0 };
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const target = new URL(options.target);
const admittedAt: number[] = [];
let head = 0;

const server = http.createServer((req, res) => {
  const now = performance.now();
  while (head < admittedAt.length && admittedAt[head]! <= now - 1000) head += 1;
  if (head > 10_000) {
    admittedAt.splice(0, head);
    head = 0;
  }
  const inWindow = admittedAt.length - head;
  if (inWindow >= options.limit) {
    counters.rejected += 1;
    req.on('error', () => undefined);
    req.resume();
    const out = gatewayError(
      429,
      'APIG.0308',
      `The throttling threshold has been reached: policy user over ratelimit,limit:${options.limit},time:1 second`,
      { 'Retry-After': '1' },
    );
    return writeJson(res, out);
  }
  admittedAt.push(now);
  counters.admitted += 1;
  counters.maxPerSecond = Math.max(counters.maxPerSecond, inWindow + 1);
  forward(agent, target, req, res);
});

server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
process.on('message', (raw: unknown) => {
  const msg = raw as { op: 'stats'; id: number };
  if (msg.op === 'stats') process.send?.({ type: 'stats', id: msg.id, value: { ...counters } });
});
// The servers process went away: do not outlive it.
process.on('disconnect', () => {
  server.closeAllConnections();
  server.close();
  agent.destroy();
  process.exit(0);
});
