import { verifySdkSignature } from './aksk.js';
import type { SimClock } from './clock.js';
import { documentedOn, iamActions, iamCodes } from './codes.js';
import type { IamDomain, IamState, IamUser } from './iamState.js';
import { charClasses, iamSpecials, isNameOrReverse, longestRun } from './rules.js';
import { gatewayError } from './server.js';
import type { SimRequest, SimResponse, SimRoute } from './types.js';

const titles: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' };

/** Keystone-style error: `{ error: { code, message, title } }`. */
export function keystone(status: number, message: string): SimResponse {
  return { status, body: { error: { code: status, message, title: titles[status] ?? 'Error' } } };
}

/** IAM-style error: `{ error_msg, error_code }`. */
export function iamError(status: number, code: string, msg: string): SimResponse {
  return { status, body: { error_msg: msg, error_code: code } };
}

/**
 * A refusal carrying an IAM code; in strict-docs mode, a code the route's page does not document
 * becomes a Keystone body (with `strictMessage`, when the specific message would give the code away).
 */
function refusal(
  strictDocs: boolean,
  route: string,
  r: { status: number; code: string; message: string; strictMessage?: string },
): SimResponse {
  if (strictDocs && !documentedOn(route, r.code)) return keystone(r.status, r.strictMessage ?? r.message);
  return iamError(r.status, r.code, r.message);
}

const tooWeak = 'The password is too weak.';
const needsAuth = 'The request you have made requires authentication.';
const notAuthorized = 'You are not authorized to perform the requested action.';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Who is calling: a user token in X-Auth-Token, or an AK/SK signature. */
export function caller(
  iam: IamState,
  clock: SimClock,
  req: SimRequest,
): { user: IamUser; projectId?: string } | SimResponse {
  const token = req.headers['x-auth-token'];
  if (typeof token === 'string') {
    const rec = iam.lookupToken(token);
    const user = rec && iam.users.get(rec.userId);
    if (!rec || !user) return keystone(401, needsAuth);
    return { user, projectId: rec.projectId };
  }
  if (typeof req.headers.authorization === 'string') {
    // Only an active key signs: an inactive one is refused like an unknown one.
    const activeSk = (ak: string) => {
      const key = iam.accessKeys.get(ak);
      return key?.status === 'active' ? key.sk : undefined;
    };
    const check = verifySdkSignature(req, activeSk, clock.now());
    const key = check.ak ? iam.accessKeys.get(check.ak) : undefined;
    const user = key ? iam.users.get(key.userId) : undefined;
    if (check.ok && key) key.lastUsedAt = clock.now(); // what IAM reports as last_use_time
    if (!check.ok || !user)
      return gatewayError(
        401,
        'APIG.0303',
        `Incorrect IAM authentication information: ${check.reason ?? 'unknown user'}`,
      );
    const projectId = req.headers['x-project-id'];
    return { user, projectId: typeof projectId === 'string' ? projectId : undefined };
  }
  return keystone(401, needsAuth);
}

/** Why IAM refuses a new password: its IAM code and message. */
export interface PasswordRejection {
  status: 400;
  code: string;
  message: string;
  strictMessage: string;
}

/** The account policy and the documented per-user rules; returns the rejection, if any. */
export function checkIamPassword(iam: IamState, user: IamUser, pwd: string): PasswordRejection | undefined {
  const p = iam.domainById(user.domainId)!.passwordPolicy;
  const reject = (code: string, message: string): PasswordRejection => ({
    status: 400,
    code,
    message,
    strictMessage: tooWeak,
  });
  const weak = (why: string) =>
    reject(iamCodes.weakPassword, `The password does not meet the password policy: ${why}.`);
  if (pwd.length < Math.max(6, p.minimum_password_length)) return weak('too short');
  if (pwd.length > Math.min(32, p.maximum_password_length)) return weak('too long');
  if (charClasses(pwd, iamSpecials) < Math.max(2, p.password_char_combination)) return weak('too few character types');
  if (p.maximum_consecutive_identical_chars > 0 && longestRun(pwd) > p.maximum_consecutive_identical_chars) {
    return weak('too many identical characters in a row');
  }
  if (p.password_not_username_or_invert && isNameOrReverse(pwd, user.userName))
    return weak('is the user name or its reverse');
  if ((user.email && pwd.includes(user.email)) || (user.mobile && pwd.includes(user.mobile))) {
    return weak('contains the e-mail address or mobile number');
  }
  if (pwd === user.password)
    return reject(iamCodes.sameAsOld, 'The new password must be different from the old password.');
  if (user.history.slice(0, Math.max(0, p.number_of_recent_passwords_disallowed - 1)).includes(pwd)) {
    return reject(iamCodes.sameAsOld, 'The new password must not be one of the recently used passwords.');
  }
  return undefined;
}

export function iamRoutes(iam: IamState, clock: SimClock, strictDocs = false): SimRoute[] {
  return [
    { id: 'iam.token', method: 'POST', pattern: /^\/v3\/auth\/tokens$/, handle: (req) => createToken(iam, req) },
    {
      id: 'iam.changePassword',
      method: 'POST',
      pattern: /^\/v3\/users\/(?<userId>[^/]+)\/password$/,
      handle: (req) => changePassword(iam, clock, strictDocs, req),
    },
    {
      id: 'iam.passwordPolicy',
      method: 'GET',
      pattern: /^\/v3\.0\/OS-SECURITYPOLICY\/domains\/(?<domainId>[^/]+)\/password-policy$/,
      handle: (req) =>
        readPolicy(iam, clock, req, iamActions.getPasswordPolicy, (d) => ({ password_policy: d.passwordPolicy })),
    },
    {
      id: 'iam.loginPolicy',
      method: 'GET',
      pattern: /^\/v3\.0\/OS-SECURITYPOLICY\/domains\/(?<domainId>[^/]+)\/login-policy$/,
      handle: (req) => readPolicy(iam, clock, req, iamActions.getLoginPolicy, (d) => ({ login_policy: d.loginPolicy })),
    },
    {
      id: 'iam.adminUpdateUser',
      method: 'PUT',
      pattern: /^\/v3\.0\/OS-USER\/users\/(?<userId>[^/]+)$/,
      handle: (req) => adminUpdateUser(iam, clock, strictDocs, req),
    },
  ];
}

function createToken(iam: IamState, req: SimRequest): SimResponse {
  const identity = obj(obj(req.json)?.auth)?.identity;
  const methods = obj(identity)?.methods;
  const pu = obj(obj(obj(identity)?.password)?.user);
  if (!Array.isArray(methods) || !methods.includes('password') || !pu) {
    return keystone(400, 'Expecting to find identity in auth. The server could not comply with the request.');
  }
  const name = str(pu.name);
  const password = str(pu.password);
  const domainName = str(obj(pu.domain)?.name);
  const domain = domainName !== undefined ? iam.domains.get(domainName) : iam.domainById(str(obj(pu.domain)?.id) ?? '');
  if (!name || password === undefined || !obj(pu.domain))
    return keystone(400, 'Invalid input for field identity/password/user.');
  const user = domain && iam.findUser(domain, name);
  if (!user) return keystone(401, 'The username or password is wrong.');
  if (iam.isLocked(user)) return keystone(401, 'The account is locked.');
  if (user.password !== password) {
    iam.strike(user);
    return keystone(401, 'The username or password is wrong.');
  }
  const scope = obj(obj(obj(req.json)?.auth)?.scope);
  const projectId = str(obj(scope?.project)?.id);
  if (projectId !== undefined && iam.projects.get(projectId)?.domainId !== user.domainId) {
    return keystone(401, needsAuth);
  }
  user.failedLogins = [];
  const { token, record } = iam.issueToken(user.userId, projectId);
  const d = iam.domainById(user.domainId)!;
  const body = {
    token: {
      methods: ['password'],
      expires_at: new Date(record.expiresAt).toISOString(),
      issued_at: new Date(record.issuedAt).toISOString(),
      user: { id: user.userId, name: user.userName, domain: { id: d.id, name: d.name }, password_expires_at: '' },
      ...(projectId
        ? { project: { id: projectId, name: iam.projects.get(projectId)!.name, domain: { id: d.id, name: d.name } } }
        : { domain: { id: d.id, name: d.name } }),
      roles: [],
      ...(req.query.has('nocatalog') ? {} : { catalog: [] }),
    },
  };
  return { status: 201, headers: { 'X-Subject-Token': token }, body };
}

function changePassword(iam: IamState, clock: SimClock, strictDocs: boolean, req: SimRequest): SimResponse {
  // The page makes X-Auth-Token of that very user mandatory: an AK/SK signature alone is not enough.
  if (typeof req.headers['x-auth-token'] !== 'string') return keystone(401, needsAuth);
  const who = caller(iam, clock, req);
  if ('status' in who) return who;
  const user = iam.users.get(req.params.userId ?? '');
  if (!user) return keystone(404, `Could not find user: ${req.params.userId ?? ''}.`);
  if (who.user.userId !== user.userId) return keystone(403, notAuthorized);
  const refuse = (r: Parameters<typeof refusal>[2]) => refusal(strictDocs, 'iam.changePassword', r);
  if (req.json === undefined)
    return refuse({ status: 400, code: iamCodes.invalidBody, message: 'Request body is invalid.' });
  const body = obj(obj(req.json)?.user);
  const next = str(body?.password);
  const original = str(body?.original_password);
  if (next === undefined || original === undefined)
    return refuse({ status: 400, code: iamCodes.missingParameter, message: 'Missing parameters.' });
  if (iam.isLocked(user)) return keystone(401, 'The account is locked.');
  if (original !== user.password) {
    iam.strike(user);
    return refuse({ status: 400, code: iamCodes.incorrectPassword, message: 'The original password is incorrect.' });
  }
  const age = iam.domainById(user.domainId)!.passwordPolicy.minimum_password_age;
  if (user.lastChangeAt !== undefined && clock.now() - user.lastChangeAt < age * 60_000) {
    return refuse({
      status: 400,
      code: iamCodes.minimumAge,
      message: 'The password cannot be changed within the minimum password age.',
    });
  }
  const rejected = checkIamPassword(iam, user, next);
  if (rejected) return refuse(rejected);
  iam.setPassword(user, next);
  return { status: 204 };
}

/** The security-policy pages document IAM-style 403 (`IAM.0002`) and 404 (`IAM.0004`) bodies. */
function readPolicy(
  iam: IamState,
  clock: SimClock,
  req: SimRequest,
  action: string,
  pick: (d: IamDomain) => unknown,
): SimResponse {
  const who = caller(iam, clock, req);
  if ('status' in who) return who;
  const domainId = req.params.domainId ?? '';
  const domain = iam.domainById(domainId);
  if (!domain) return iamError(404, iamCodes.notFound, `Could not find domain: ${domainId}.`);
  if (who.user.domainId !== domain.id || !iam.can(who.user, action))
    return iamError(403, iamCodes.notAuthorized, notAuthorized);
  return { status: 200, body: pick(domain) };
}

function adminUpdateUser(iam: IamState, clock: SimClock, strictDocs: boolean, req: SimRequest): SimResponse {
  const who = caller(iam, clock, req);
  if ('status' in who) return who;
  const user = iam.users.get(req.params.userId ?? '');
  if (!user) return keystone(404, `Could not find user: ${req.params.userId ?? ''}.`);
  if (!iam.can(who.user, iamActions.updateUser) || who.user.domainId !== user.domainId) {
    return keystone(403, notAuthorized);
  }
  const refuse = (r: Parameters<typeof refusal>[2]) => refusal(strictDocs, 'iam.adminUpdateUser', r);
  const next = str(obj(obj(req.json)?.user)?.password);
  if (next === undefined)
    return refuse({ status: 400, code: iamCodes.invalidBody, message: 'Request body is invalid.' });
  const rejected = checkIamPassword(iam, user, next);
  if (rejected) return refuse(rejected);
  iam.setPassword(user, next);
  user.lockedUntil = undefined;
  const d = iam.domainById(user.domainId)!;
  return {
    status: 200,
    body: { user: { id: user.userId, name: user.userName, domain_id: d.id, enabled: true, pwd_status: false } },
  };
}
