import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { got } from 'got';
import { OutcomeUnknown, TargetUnchanged } from '../../src/errors/index.js';
import { captureLogs } from '../helpers/logCapture.js';

const requestSecret = 'Req-Body-Pa55word-7f3a';
const responseSecret = 'Resp-Body-Token-9c1e';

describe('an error in a log line', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error_msg: 'boom', echoed: responseSecret }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v3/users/u1/password`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('holds an HTTP client error as name, message, code and status: no request, no response body, no stack', async () => {
    const err = await got.post(url, { json: { user: { password: requestSecret } }, retry: { limit: 0 } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const logs = captureLogs();
    logs.logger.warn({ err }, 'huawei request failed');

    const line = JSON.parse(logs.lines[0]!) as { err: Record<string, unknown> };
    expect(line.err).toEqual({
      name: 'HTTPError',
      message: expect.stringContaining('500') as unknown,
      code: 'ERR_NON_2XX_3XX_RESPONSE',
      status: 500,
    });
    expect(logs.text()).not.toContain(requestSecret);
    expect(logs.text()).not.toContain(responseSecret);
  });

  it("holds a rotation error's upstream status, code and request id, and its cause in the same shape", () => {
    const cause = new TargetUnchanged('iam.token: 503', { status: 503, upstreamCode: 'APIG.0201', requestId: 'r-1' });
    const err = new OutcomeUnknown('iam.changePassword: sent, no answer', { requestId: 'r-2' }, { cause });
    const logs = captureLogs();
    logs.logger.error({ err }, 'rotation failed for good');

    const line = JSON.parse(logs.lines[0]!) as { err: unknown };
    expect(line.err).toEqual({
      name: 'OutcomeUnknown',
      message: 'iam.changePassword: sent, no answer',
      code: 'OutcomeUnknown',
      requestId: 'r-2',
      cause: {
        name: 'TargetUnchanged',
        message: 'iam.token: 503',
        code: 'TargetUnchanged',
        status: 503,
        upstreamCode: 'APIG.0201',
        requestId: 'r-1',
      },
    });
    expect(logs.lines[0]).not.toContain('stack');
  });

  it('stops following causes after three links', () => {
    const a: Error & { cause?: unknown } = new Error('a');
    a.cause = a;
    const logs = captureLogs();
    logs.logger.error({ err: a }, 'loop');
    const line = logs.lines[0]!;
    expect(line.split('"cause":').length - 1).toBe(3);
  });
});
