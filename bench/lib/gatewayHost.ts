import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { GatewayCounters, GatewayOptions } from './gateway.js';

const entry = fileURLToPath(new URL('./gateway.ts', import.meta.url));

/** Starts the rate-limiting gateway (gateway.ts) in a process of its own. */
export async function startGateway(options: GatewayOptions): Promise<{
  url: string;
  stats(): Promise<GatewayCounters>;
  close(): void;
}> {
  const child = fork(entry, [JSON.stringify(options)], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const pending = new Map<number, (value: GatewayCounters) => void>();
  let nextId = 1;
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`gateway exited (${code}) before it was ready`)));
    child.on('message', (raw: unknown) => {
      const msg = raw as { type: 'ready'; url: string } | { type: 'stats'; id: number; value: GatewayCounters };
      if (msg.type === 'ready') resolve(msg.url);
      else pending.get(msg.id)?.(msg.value);
    });
  });
  return {
    url,
    stats: () =>
      new Promise((resolve) => {
        const id = nextId++;
        pending.set(id, (value) => {
          pending.delete(id);
          resolve(value);
        });
        child.send({ op: 'stats', id });
      }),
    close() {
      if (child.connected) child.disconnect();
    },
  };
}
