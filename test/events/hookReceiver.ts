import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A real local HTTP receiver. `mode`: `ok` answers 204, `fail` answers 500; `down()` closes the
 * listening socket (connection refused) and `up()` opens it again on the same port.
 */
export interface HookReceiver {
  url: string;
  received: Received[];
  mode: 'ok' | 'fail';
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startHookReceiver(): Promise<HookReceiver> {
  const received: Received[] = [];
  let server: Server;
  let port = 0;
  const receiver: HookReceiver = {
    url: '',
    received,
    mode: 'ok',
    async down() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
    async up() {
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (d: Buffer) => (body += d.toString()));
        req.on('end', () => {
          if (receiver.mode === 'fail') {
            res.writeHead(500).end();
            return;
          }
          received.push({ headers: req.headers, body });
          res.writeHead(204).end();
        });
      });
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
      receiver.url = `http://127.0.0.1:${port}/hook`;
    },
    close() {
      return receiver.down();
    },
  };
  await receiver.up();
  return receiver;
}
