/**
 * The servers process of a benchmark: the Huawei Cloud simulator and the Vault emulator (plus, when
 * asked, a counting Vault proxy, and a rate-limiting gateway in a process of its own, gateway.ts), in a
 * process of their own so that their CPU is not the benchmarked process's — as remote systems would be. Driven over IPC by
 * bench/lib/serverHost.ts; options come as JSON in argv[2].
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { configSchema } from '../../src/config/schema.js';
import { startHuaweiSimulator } from '../../src/dev/huaweiSimulator.js';
import { seedTargets } from '../../src/dev/seedTargets.js';
import { startVaultEmulator } from '../../src/dev/vaultEmulator.js';
import { startGateway } from './gatewayHost.js';
import type { GatewayCounters } from './gateway.js';
import { forward } from './proxy.js';
import type { ServerOptions, ServerReply, ServerRequest, ServerStats, SeedRequest } from './protocol.js';
import { maxInWindow } from './stats.js';

const options = JSON.parse(process.argv[2] ?? '{}') as ServerOptions;

function send(message: ServerReply): void {
  process.send?.(message);
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** `GET secret data ?version`, `POST pending data`, `DELETE pending metadata`, ... */
function vaultOpOf(method: string, rawUrl: string): string {
  const url = new URL(rawUrl, 'http://vault');
  const m = /^\/v1\/secret\/(data|metadata)\/(.*)$/.exec(url.pathname);
  if (!m) return `${method} ${url.pathname.replace(/^\/v1\//, '')}`;
  const rest = m[2] ?? '';
  const kind = rest.startsWith('rotor/state/')
    ? 'pending'
    : rest.startsWith('bench/credentials/')
      ? 'credential'
      : 'secret';
  const version = url.searchParams.has('version') ? ' ?version' : '';
  const list = url.searchParams.has('list') ? ' ?list' : '';
  return `${method} ${kind} ${m[1]}${version}${list}`;
}

async function main(): Promise<void> {
  const sim = await startHuaweiSimulator();
  const vault = await startVaultEmulator();
  if (options.latencyMs) sim.inject({ route: '*', kind: 'latency', ms: options.latencyMs, times: Infinity });
  const closers: (() => Promise<void>)[] = [() => sim.close(), () => vault.close()];

  // Gateway: a sliding 1-second window of admitted requests, like a provider's per-second limit, in a
  // process of its own (gateway.ts) so that this busy process's stalls do not bunch its arrivals.
  let gatewayStats: () => Promise<GatewayCounters> = async () => ({ admitted: 0, rejected: 0, maxPerSecond: 0 });
  let huaweiUrl = sim.url;
  const limit = options.rateLimitPerSecond;
  if (limit !== undefined) {
    const gateway = await startGateway({ target: sim.url, limit });
    huaweiUrl = gateway.url;
    gatewayStats = gateway.stats;
    closers.unshift(async () => gateway.close());
  }

  const vaultOps: Record<string, number> = {};
  let vaultUrl = vault.url;
  if (options.countVault) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
    const target = new URL(vault.url);
    const server = http.createServer((req, res) => {
      const op = vaultOpOf(req.method ?? 'GET', req.url ?? '/');
      vaultOps[op] = (vaultOps[op] ?? 0) + 1;
      forward(agent, target, req, res);
    });
    vaultUrl = await listen(server);
    closers.unshift(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    });
  }

  async function seed(req: SeedRequest): Promise<{ targets: number }> {
    const config = configSchema.parse(req.config);
    const targetPaths = new Set(config.targets.map((t) => t.secretPath));
    const history = req.historyVersions ?? 0;
    await seedTargets(sim, config, async (path, data) => {
      if (targetPaths.has(path)) {
        for (let i = 0; i < history; i += 1)
          vault.kvPut('secret', path, { ...data, password: `Old-${randomBytes(12).toString('base64url')}` });
      }
      vault.kvPut('secret', path, data);
    });
    for (const operator of req.tokenOperators ?? []) {
      const ref = config.credentials[operator];
      if (!ref) throw new Error(`no credential ${operator}`);
      const domainName = `cbh-${operator}`;
      const password = `Op-${randomBytes(12).toString('base64url')}1!`;
      const userName = `token-${operator}`;
      sim.iam.seedUser({ userName, domainName, password });
      vault.kvPut('secret', ref.secretPath, { userName, password, domainName });
    }
    return { targets: config.targets.length };
  }

  async function stats(windows: boolean): Promise<ServerStats> {
    const cpu = process.cpuUsage();
    return {
      sim: sim.counters(),
      sim429: sim.requestLog.reduce((n, r) => n + (r.status === 429 ? 1 : 0), 0),
      vaultRequests: vault.counters.requests,
      vaultOps: { ...vaultOps },
      gateway: await gatewayStats(),
      ...(windows ? { simMaxPerSecond: maxInWindow(sim.requestLog.map((r) => r.at)) } : {}),
      cpuMicros: cpu.user + cpu.system,
      rssBytes: process.memoryUsage().rss,
    };
  }

  async function close(): Promise<void> {
    for (const c of closers) await c().catch(() => undefined);
  }

  process.on('message', (raw: unknown) => {
    const msg = raw as ServerRequest;
    void (async () => {
      try {
        let value: unknown;
        if (msg.op === 'seed') value = await seed(msg.seed);
        else if (msg.op === 'stats') value = await stats(msg.windows === true);
        else if (msg.op === 'close') {
          await close();
          value = true;
        }
        send({ type: 'reply', id: msg.id, ok: true, value });
        if (msg.op === 'close') process.disconnect();
      } catch (err) {
        send({ type: 'reply', id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err) });
      }
    })();
  });
  // The benchmark went away (crash, kill): do not outlive it.
  process.on('disconnect', () => void close().then(() => process.exit(0)));
  send({ type: 'ready', info: { simUrl: sim.url, huaweiUrl, vaultUrl, rootToken: vault.rootToken } });
}

main().catch((err: unknown) => {
  process.stderr.write(`servers: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
