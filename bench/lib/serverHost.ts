import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { onCleanup } from './main.js';
import type { SeedRequest, ServerInfo, ServerOptions, ServerReply, ServerStats } from './protocol.js';

export type { ServerInfo, ServerStats } from './protocol.js';

export interface Servers extends ServerInfo {
  seed(seed: SeedRequest): Promise<void>;
  stats(opts?: { windows?: boolean }): Promise<ServerStats>;
  close(): Promise<void>;
}

const entry = fileURLToPath(new URL('./servers.ts', import.meta.url));

/** Starts the simulator and the emulator in a child process (see servers.ts); stopped at cleanup. */
export async function startServers(options: ServerOptions = {}): Promise<Servers> {
  const child = fork(entry, [JSON.stringify(options)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let closed = false;

  const info = await new Promise<ServerInfo>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`servers process exited (${code}) before it was ready`)));
    child.on('message', (raw: unknown) => {
      const msg = raw as ServerReply;
      if (msg.type === 'ready') return resolve(msg.info);
      const waiter = pending.get(msg.id);
      if (!waiter) return;
      pending.delete(msg.id);
      if (msg.ok) waiter.resolve(msg.value);
      else waiter.reject(new Error(`servers: ${msg.error}`));
    });
  });
  child.on('exit', () => {
    for (const w of pending.values()) w.reject(new Error('servers process exited'));
    pending.clear();
  });

  function call<T>(op: 'seed' | 'stats' | 'close', extra: Record<string, unknown> = {}): Promise<T> {
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: (v) => resolve(v as T), reject });
      child.send({ id, op, ...extra });
    });
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    await Promise.race([call('close').catch(() => undefined), new Promise((r) => setTimeout(r, 5_000))]);
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
  onCleanup(close);

  return {
    ...info,
    seed: (seed) => call<unknown>('seed', { seed }).then(() => undefined),
    stats: (opts = {}) => call<ServerStats>('stats', { windows: opts.windows === true }),
    close,
  };
}

/** CPU of the servers process between two stats, in % of one core. */
export function serversCpuPercent(a: ServerStats, b: ServerStats, ms: number): number {
  return Math.round(((b.cpuMicros - a.cpuMicros) / 1000 / ms) * 1000) / 10;
}
