import { createHmac, randomBytes } from 'node:crypto';
import { AuthFailed, Misconfigured } from '../../errors/index.js';
import type { HuaweiHttp, HuaweiReply } from '../huawei/http.js';
import { accountBlocked, describe, detailsOf, jsonObject, unrecognisedRead } from '../huawei/replies.js';

/** clientType 72 = "API calling" in Meeting's auth APIs. */
const apiClientType = 72;

export interface MeetingToken {
  token: string;
  expiresAt: number;
}

/** The documented success: 200 with a JSON body holding `accessToken`; anything else proves nothing. */
function tokenOf(reply: HuaweiReply, name: string): MeetingToken {
  const body = jsonObject(reply) ?? {};
  if (reply.status !== 200 || typeof body.accessToken !== 'string' || !body.accessToken) {
    throw unrecognisedRead(name, reply);
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
  return authReply(reply, 'meeting.accountAuth', 'login refused');
}

/**
 * The statuses Meeting's auth pages document: 200 token; 400 bad request; 401 refused; 412 account
 * disabled; 423 account locked. A locked or disabled account stops every further login.
 */
function authReply(reply: HuaweiReply, name: string, refused: string): MeetingToken {
  if (reply.status === 200) return tokenOf(reply, name);
  const details = detailsOf(reply);
  if (reply.status === 423) throw accountBlocked(name, 'locked', reply);
  if (reply.status === 412) throw accountBlocked(name, 'disabled', reply);
  if (reply.status === 401 || reply.status === 403)
    throw new AuthFailed(`${name}: ${refused} (${describe(reply)})`, details);
  if (reply.status === 400) throw new Misconfigured(`${name}: request refused (${describe(reply)})`, details);
  throw unrecognisedRead(name, reply);
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
    headers: {
      Authorization: `HMAC-SHA256 signature=${signature},access=${access}`,
      // Required by App ID authentication since its 2025-09 revision.
      'X-Token-Type': 'LongTicket',
      'Accept-Language': language,
    },
    json: { appId: app.appId, clientType: apiClientType, expireTime, nonce, ...(userId ? { userId } : {}) },
    mutating: false,
    secrets: [app.appKey, signature],
  });
  return authReply(reply, 'meeting.appAuth', 'App ID auth refused');
}
