import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';

const run = promisify(execFile);

async function isFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port whose cluster bus port (+10000) is free as well. */
async function freeClusterPort(taken: number[]): Promise<number> {
  for (let i = 0; i < 200; i += 1) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    if (taken.includes(port)) continue;
    if ((await isFree(port)) && (await isFree(port + 10_000))) return port;
  }
  throw new Error('no free port pair for a cluster node');
}

export interface LocalCluster {
  ports: number[];
  nodes: { host: string; port: number }[];
  /** The node serving the slot of `key` (e.g. a `{hash tag}` prefix). */
  ownerOf(key: string): Promise<number>;
  stop(): Promise<void>;
}

/**
 * A three-master Redis Cluster on loopback ports, without persistence, for the scale-out test. The
 * daemons are stopped by the pids they wrote, never by name.
 */
export async function startLocalCluster(): Promise<LocalCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'rotor-cluster-'));
  const ports: number[] = [];
  for (let i = 0; i < 3; i += 1) ports.push(await freeClusterPort(ports));
  const pidFile = (port: number) => join(dir, `redis-${port}.pid`);
  for (const port of ports) {
    await run('redis-server', [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      join(dir, `nodes-${port}.conf`),
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--pidfile',
      pidFile(port),
      '--logfile',
      join(dir, `redis-${port}.log`),
      '--daemonize',
      'yes',
    ]);
  }
  const stop = async () => {
    for (const port of ports) {
      const pid = Number((await readFile(pidFile(port), 'utf8').catch(() => '')).trim());
      if (pid > 0) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => (await Promise.all(ports.map(ping))).every(Boolean), 10_000);
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((p) => `127.0.0.1:${p}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    await waitFor(async () => (await Promise.all(ports.map(clusterOk))).every(Boolean), 20_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    ports,
    nodes: ports.map((port) => ({ host: '127.0.0.1', port })),
    async ownerOf(key) {
      return withNode(ports[0] as number, async (r) => {
        const slot = Number(await r.call('CLUSTER', 'KEYSLOT', key));
        const ranges = (await r.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
        const range = ranges.find(([from, to]) => slot >= from && slot <= to);
        if (!range) throw new Error(`no node serves slot ${slot}`);
        return range[2][1];
      });
    },
    stop,
  };
}

async function withNode<T>(port: number, fn: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return await fn(r);
  } finally {
    r.disconnect();
  }
}

const ping = (port: number) => withNode(port, async (r) => (await r.ping()) === 'PONG').catch(() => false);
const clusterOk = (port: number) =>
  withNode(port, async (r) => String(await r.call('CLUSTER', 'INFO')).includes('cluster_state:ok')).catch(() => false);

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('the local Redis Cluster did not come up in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
