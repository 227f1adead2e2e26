import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/**
 * A loopback port nothing listens on, for a server another process starts later. Chosen below the
 * kernel's ephemeral range: a port that `listen(0)` hands out is from that range, and between closing
 * it and the other process binding it, any outgoing connection of the busy test run may take it as its
 * local port (EADDRINUSE). Below the range only another listener can, and the pick is random.
 */
export async function freePort(): Promise<number> {
  const [ephemeralLow] = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').then(
    (text) => text.trim().split(/\s+/).map(Number),
    () => [32768],
  );
  const low = 20_000;
  const high = Math.max(low + 1000, (ephemeralLow ?? 32768) - 1);
  for (let tries = 0; ; tries++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (await bindable(port)) return port;
    if (tries > 200) throw new Error(`freePort: no free port between ${low} and ${high}`);
  }
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A redis-server of the test's own, on a free loopback port, with an append-only file (fsync on every
 * write) so that a restart keeps the queues — the persistence docs/deployment.md asks for. Used by
 * tests that stop Redis, which must never touch the shared one on 6379.
 */
export async function startOwnRedis() {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'rotor-redis-'));
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--dir',
        dir,
      ],
      {
        stdio: 'ignore',
      },
    );
    const probe = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    for (let i = 0; i < 100; i++) {
      try {
        await probe.connect();
        await probe.ping();
        break;
      } catch {
        probe.disconnect();
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    probe.disconnect();
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    async kill() {
      const c = child;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise((resolve) => c.once('exit', resolve));
      c.kill('SIGKILL');
      await exited;
    },
    restart: start,
    async stop() {
      await this.kill();
    },
  };
}
