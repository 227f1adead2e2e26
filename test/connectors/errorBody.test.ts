import { describe, expect, it } from '@jest/globals';
import { parseHuaweiError, scrub } from '../../src/connectors/huawei/errorBody.js';
import { TokenBucket } from '../../src/connectors/huawei/tokenBucket.js';

describe('parseHuaweiError', () => {
  it.each([
    [
      'Keystone',
      { error: { code: 401, message: 'The account is locked.', title: 'Unauthorized' } },
      { style: 'keystone', code: '401', message: 'The account is locked.' },
    ],
    ['IAM', { error_msg: 'Request body is invalid.', error_code: 'IAM.0011' }, { style: 'iam', code: 'IAM.0011' }],
    [
      'IAM numeric',
      { error_msg: 'The original password is incorrect.', error_code: '1103' },
      { style: 'iam', code: '1103' },
    ],
    [
      'Meeting',
      { error_code: 'USG.000000004', error_msg: 'expired', request_id: 'r1' },
      { style: 'meeting', code: 'USG.000000004', requestId: 'r1' },
    ],
    [
      'CBH',
      { error_code: 'CBH.10020011', error_description: 'wrong server id' },
      { style: 'cbh', code: 'CBH.10020011', message: 'wrong server id' },
    ],
    [
      'API gateway',
      { error_msg: 'throttled', error_code: 'APIG.0308', request_id: 'r2' },
      { style: 'gateway', code: 'APIG.0308' },
    ],
  ])('reads the %s error shape', (_name, body, expected) => {
    expect(parseHuaweiError(body)).toMatchObject(expected);
  });

  it.each([[undefined], ['<html>Bad Gateway</html>'], [{ message: 'other' }], [[1, 2]]])(
    'calls anything else undocumented: %p',
    (body) => {
      expect(parseHuaweiError(body)).toEqual({ style: 'none' });
    },
  );

  it('removes the secrets of the call from an upstream message', () => {
    expect(scrub('password Hunter2-Pw was refused', ['Hunter2-Pw'])).toBe('password [redacted] was refused');
  });
});

describe('TokenBucket', () => {
  it('lets a burst through at once and spaces the rest at the configured rate', async () => {
    const bucket = new TokenBucket(20, 2);
    const started = Date.now();
    await Promise.all([bucket.take(), bucket.take()]);
    expect(Date.now() - started).toBeLessThan(40);
    await Promise.all([bucket.take(), bucket.take()]);
    // Two more tokens at 20/s take about 100 ms to refill.
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });
});
