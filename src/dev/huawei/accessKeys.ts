import type { SimClock } from './clock.js';
import { iamActions } from './codes.js';
import { accessKeyLimit, type IamAccessKey, type IamState, type IamUser } from './iamState.js';
import { caller, keystone } from './iamRoutes.js';
import type { SimRequest, SimResponse, SimRoute } from './types.js';

/**
 * IAM's permanent access keys (api-iam iam_03_0001 … iam_03_0005), as the pages document them:
 * - create `POST /v3.0/OS-CREDENTIAL/credentials` `{"credential":{"user_id","description"?}}` → `201
 *   {"credential":{"access","secret","status","user_id","create_time","description"}}`; the SK is in this
 *   reply only. At the limit of 2 keys per user → `400 {"error":{"message":"akSkNumExceed","code":400,
 *   "title":"Bad Request","error_msg":null,"error_code":null}}` (the page's own example);
 * - list `GET …/credentials[?user_id=]` → `200 {"credentials":[{access,create_time,user_id,description,status}]}`
 *   (no `last_use_time` in the list);
 * - query `GET …/credentials/{access_key}` → `200 {"credential":{user_id,access,status,create_time,last_use_time,
 *   description}}`; `last_use_time` is the creation time while the key was never used;
 * - update `PUT …/credentials/{access_key}` `{"credential":{"status"?: "active"|"inactive","description"?}}` → `200
 *   {"credential":{status,access,create_time,user_id,description}}`;
 * - delete `DELETE …/credentials/{access_key}` → `204`, no body.
 * Every page lists "error codes: none" and the statuses 400/401/403/404/500: the other refusals here are
 * Keystone bodies with a status the page lists. A user manages its own keys without extra permission;
 * another user's keys need the `iam:credentials:*` action (an admin holds them all).
 */
export function accessKeyRoutes(iam: IamState, clock: SimClock): SimRoute[] {
  const base = /^\/v3\.0\/OS-CREDENTIAL\/credentials/;
  const one = new RegExp(`${base.source}\\/(?<accessKey>[^/]+)$`);
  return [
    {
      id: 'iam.createAccessKey',
      method: 'POST',
      pattern: new RegExp(`${base.source}$`),
      handle: (req) => create(iam, clock, req),
    },
    {
      id: 'iam.listAccessKeys',
      method: 'GET',
      pattern: new RegExp(`${base.source}$`),
      handle: (req) => list(iam, clock, req),
    },
    { id: 'iam.showAccessKey', method: 'GET', pattern: one, handle: (req) => show(iam, clock, req) },
    { id: 'iam.updateAccessKey', method: 'PUT', pattern: one, handle: (req) => update(iam, clock, req) },
    { id: 'iam.deleteAccessKey', method: 'DELETE', pattern: one, handle: (req) => remove(iam, clock, req) },
  ];
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);

/** IAM's documented time format: UTC with six fractional digits, `2023-06-28T08:56:33.710000Z`. */
export function iamTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

const notAuthorized = 'You are not authorized to perform the requested action.';

/** The caller, when it may act on `owner`'s keys with `action`; else the refusal. */
function authorise(iam: IamState, clock: SimClock, req: SimRequest, owner: IamUser | undefined, action: string) {
  const who = caller(iam, clock, req);
  if ('status' in who) return who;
  if (owner && owner.userId !== who.user.userId && !(iam.can(who.user, action) && who.user.domainId === owner.domainId))
    return keystone(403, notAuthorized);
  return who;
}

function view(ak: string, key: IamAccessKey) {
  return {
    user_id: key.userId,
    access: ak,
    status: key.status,
    create_time: iamTime(key.createdAt),
    description: key.description,
  };
}

function create(iam: IamState, clock: SimClock, req: SimRequest): SimResponse {
  const cred = obj(obj(req.json)?.credential);
  const userId = cred?.user_id;
  const description = cred?.description ?? '';
  const owner = typeof userId === 'string' ? iam.users.get(userId) : undefined;
  const who = authorise(iam, clock, req, owner, iamActions.createCredential);
  if ('status' in who) return who;
  if (typeof userId !== 'string' || typeof description !== 'string')
    return keystone(400, 'Invalid input for field credential: user_id is required.');
  if (!owner) return keystone(404, `Could not find user: ${userId}.`);
  if (iam.accessKeysOf(owner.userId).length >= accessKeyLimit) {
    // The page's example for "the number of keys has reached the limit", verbatim in shape.
    return {
      status: 400,
      body: { error: { message: 'akSkNumExceed', code: 400, title: 'Bad Request', error_msg: null, error_code: null } },
    };
  }
  const [ak, key] = iam.issueAccessKey(owner.userId, description);
  return { status: 201, body: { credential: { ...view(ak, key), secret: key.sk } } };
}

function list(iam: IamState, clock: SimClock, req: SimRequest): SimResponse {
  const userId = req.query.get('user_id');
  const owner = userId !== null ? iam.users.get(userId) : undefined;
  const who = authorise(iam, clock, req, owner, iamActions.listCredentials);
  if ('status' in who) return who;
  if (userId !== null && !owner) return keystone(404, `Could not find user: ${userId}.`);
  const keys = iam.accessKeysOf((owner ?? who.user).userId);
  return { status: 200, body: { credentials: keys.map(([ak, key]) => view(ak, key)) } };
}

/** The key named in the path, with the caller's right to `action` on it checked. */
function target(iam: IamState, clock: SimClock, req: SimRequest, action: string) {
  const ak = req.params.accessKey ?? '';
  const key = iam.accessKeys.get(ak);
  const who = authorise(iam, clock, req, key ? iam.users.get(key.userId) : undefined, action);
  if ('status' in who) return who;
  if (!key) return keystone(404, `Could not find credential: ${ak}.`);
  return { ak, key };
}

function show(iam: IamState, clock: SimClock, req: SimRequest): SimResponse {
  const t = target(iam, clock, req, iamActions.getCredential);
  if ('status' in t) return t;
  const lastUse = iamTime(t.key.lastUsedAt ?? t.key.createdAt);
  return { status: 200, body: { credential: { ...view(t.ak, t.key), last_use_time: lastUse } } };
}

function update(iam: IamState, clock: SimClock, req: SimRequest): SimResponse {
  const t = target(iam, clock, req, iamActions.updateCredential);
  if ('status' in t) return t;
  const cred = obj(obj(req.json)?.credential);
  const status = cred?.status;
  const description = cred?.description;
  if (!cred || (status !== undefined && status !== 'active' && status !== 'inactive'))
    return keystone(400, 'Invalid input for field credential: status must be active or inactive.');
  if (description !== undefined && typeof description !== 'string')
    return keystone(400, 'Invalid input for field credential: description must be a string.');
  if (status !== undefined) t.key.status = status;
  if (description !== undefined) t.key.description = description;
  return { status: 200, body: { credential: view(t.ak, t.key) } };
}

function remove(iam: IamState, clock: SimClock, req: SimRequest): SimResponse {
  const t = target(iam, clock, req, iamActions.deleteCredential);
  if ('status' in t) return t;
  iam.accessKeys.delete(t.ak);
  return { status: 204 };
}
