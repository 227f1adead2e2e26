import { describe, expect, it } from '@jest/globals';
import { captureLogs } from '../helpers/logCapture.js';

describe('log redaction', () => {
  it('censors secret-named fields up to three objects down in lines, and in child bindings, without changing the caller’s object', () => {
    const { logger, lines } = captureLogs();
    const fields = {
      password: 'Top-Level-Pw1',
      request: { headers: { 'X-Auth-Token': 'header-token-123', accept: 'json' } },
      deep: { a: { b: { token: 'three-down-token' } } },
      list: [{ secret: 'in-an-array-secret' }],
      ok: 'visible-value',
    };
    logger.child({ appKey: 'bound-app-key', targetId: 't1' }).info(fields, 'a line');
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({
      password: '[redacted]',
      request: { headers: { 'X-Auth-Token': '[redacted]', accept: 'json' } },
      deep: { a: { b: { token: '[redacted]' } } },
      list: [{ secret: '[redacted]' }],
      ok: 'visible-value',
      appKey: '[redacted]',
      targetId: 't1',
    });
    for (const value of [
      'Top-Level-Pw1',
      'header-token-123',
      'three-down-token',
      'in-an-array-secret',
      'bound-app-key',
    ]) {
      expect(lines[0]).not.toContain(value);
    }
    // The object handed to the logger is the caller's: it still holds what it held.
    expect(fields.password).toBe('Top-Level-Pw1');
    expect(fields.request.headers['X-Auth-Token']).toBe('header-token-123');
  });

  it('leaves errors to their serializer, which keeps no request or response', () => {
    const { logger, lines } = captureLogs();
    const err = Object.assign(new Error('refused'), { options: { headers: { authorization: 'Basic c2VjcmV0' } } });
    logger.warn({ err }, 'failed');
    expect(lines[0]).not.toContain('c2VjcmV0');
    expect(JSON.parse(lines[0]!)).toMatchObject({ err: { name: 'Error', message: 'refused' } });
  });
});
