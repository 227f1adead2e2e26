import { createHmac, randomBytes } from 'node:crypto';
import { AuthFailed, Misconfigured } from '../../rotation/errors.js';
import type { HuaweiHttp, HuaweiReply } from '../huawei/http.js';
import { describe, detailsOf } from '../huawei/iamToken.js';

/** clientType 72 = "API calling" in Meeting's auth APIs. */
const apiClientType = 72;

export interface MeetingToken {
  token: string;
  expiresAt: number;
}

function tokenOf(reply: HuaweiReply, name: string): MeetingToken {
  const body = (reply.body ?? {}) as { accessToken?: unknown; expireTime?: unknown; validPeriod?: unknown };
  if (typeof body.accessToken !== 'string' || !body.accessToken) {
    throw new Misconfigured(`${name}: 200 without accessToken`, detailsOf(reply));
  }
  const expiresAt =
    typeof body.expireTime === 'number'
      ? body.expireTime * 1000
      : Date.now() + (typeof body.validPeriod === 'number' ? body.validPeriod * 1000 : 3600_000);
  return { token: body.accessToken, expiresAt };
}

/**
 * Account auth: `POST /v1/usg/acs/auth/account` with `Authorization: Basic base64(account:password)`.
 * Proves the password, so it is also the verify step. 401 = refused (status stays in details).
 */
export async function meetingAccountAuth(
  http: HuaweiHttp,
  account: string,
  password: string,
  language: string,
): Promise<MeetingToken> {
  const basic = Buffer.from(`${account}:${password}`, 'utf8').toString('base64');
  const reply = await http.send({
    name: 'meeting.accountAuth',
    method: 'POST',
    path: '/v1/usg/acs/auth/account',
    headers: { Authorization: `Basic ${basic}`, 'Accept-Language': language },
    json: { account, clientType: apiClientType },
    mutating: false,
    secrets: [password, basic],
  });
  if (reply.status === 200) return tokenOf(reply, 'meeting.accountAuth');
  const details = detailsOf(reply);
  if (reply.status === 401 || reply.status === 403) {
    throw new AuthFailed(`meeting.accountAuth: login refused (${describe(reply)})`, details);
  }
  throw new Misconfigured(`meeting.accountAuth: unexpected answer (${describe(reply)})`, details);
}

/** The App ID signature: HexEncode(HMAC-SHA256(appId:userId:expireTime:nonce, appKey)). */
export function appAuthSignature(appId: string, userId: string, expireTime: number, nonce: string, appKey: string) {
  return createHmac('sha256', appKey).update(`${appId}:${userId}:${expireTime}:${nonce}`, 'utf8').digest('hex');
}

/**
 * App ID auth: `POST /v2/usg/acs/auth/appauth` signed with the App key (read from Vault). It does not
 * use the user's password, so it costs no lockout strike.
 */
export async function meetingAppAuth(
  http: HuaweiHttp,
  app: { appId: string; appKey: string },
  userId: string | undefined,
  language: string,
): Promise<MeetingToken> {
  // The signature itself expires in 10 minutes; the token lives as long as Meeting says.
  const expireTime = Math.floor(Date.now() / 1000) + 600;
  const nonce = randomBytes(24).toString('hex');
  const signature = appAuthSignature(app.appId, userId ?? '', expireTime, nonce, app.appKey);
  const access = Buffer.from(app.appId, 'utf8').toString('base64');
  const reply = await http.send({
    name: 'meeting.appAuth',
    method: 'POST',
    path: '/v2/usg/acs/auth/appauth',
    headers: { Authorization: `HMAC-SHA256 signature=${signature},access=${access}`, 'Accept-Language': language },
    json: { appId: app.appId, clientType: apiClientType, expireTime, nonce, ...(userId ? { userId } : {}) },
    mutating: false,
    secrets: [app.appKey, signature],
  });
  if (reply.status === 200) return tokenOf(reply, 'meeting.appAuth');
  const details = detailsOf(reply);
  if (reply.status === 401 || reply.status === 403) {
    throw new AuthFailed(`meeting.appAuth: App ID auth refused (${describe(reply)})`, details);
  }
  throw new Misconfigured(`meeting.appAuth: unexpected answer (${describe(reply)})`, details);
}
