import { AuthFailed, Misconfigured, TargetUnchanged } from '../../rotation/errors.js';
import type { HuaweiHttp, HuaweiReply } from './http.js';

export interface IamLoginArgs {
  userName: string;
  password: string;
  domainName: string;
  /** Project-scoped (CBH) or domain-scoped (the user's own token). */
  projectId?: string;
}

export interface IamLogin {
  token: string;
  expiresAt: number;
  userId?: string;
  domainId?: string;
}

/** IAM wants this exact media type on its JSON bodies. */
export const iamContentType = 'application/json;charset=utf8';

export function lockedOut(reply: HuaweiReply): boolean {
  return /locked/i.test(reply.error.message ?? '');
}

/** Summary of an upstream failure for an error message: status, code, message (already scrubbed). */
export function describe(reply: HuaweiReply): string {
  return [reply.status, reply.error.code, reply.error.message].filter((x) => x !== undefined && x !== '').join(' ');
}

export function detailsOf(reply: HuaweiReply) {
  return { status: reply.status, upstreamCode: reply.error.code, requestId: reply.requestId };
}

/**
 * `POST /v3/auth/tokens` with the password method. The token comes back in `X-Subject-Token`
 * (201); 401 means the password (or name) was refused, or the user is locked.
 */
export async function iamPasswordLogin(http: HuaweiHttp, args: IamLoginArgs): Promise<IamLogin> {
  const scope = args.projectId ? { project: { id: args.projectId } } : { domain: { name: args.domainName } };
  const reply = await http.send({
    name: 'iam.token',
    method: 'POST',
    path: '/v3/auth/tokens?nocatalog=true',
    contentType: iamContentType,
    json: {
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: args.userName, password: args.password, domain: { name: args.domainName } } },
        },
        scope,
      },
    },
    mutating: false,
    secrets: [args.password],
  });
  const token = reply.headers['x-subject-token'];
  if (reply.status === 201 && typeof token === 'string' && token) {
    const body = (reply.body ?? {}) as {
      token?: { expires_at?: string; user?: { id?: string; domain?: { id?: string } } };
    };
    const expiresAt = Date.parse(body.token?.expires_at ?? '');
    return {
      token,
      expiresAt: Number.isNaN(expiresAt) ? Date.now() + 3600_000 : expiresAt,
      userId: body.token?.user?.id,
      domainId: body.token?.user?.domain?.id,
    };
  }
  const details = detailsOf(reply);
  if (reply.status === 401 && lockedOut(reply))
    throw new AuthFailed(`iam.token: user is locked (${describe(reply)})`, details);
  if (reply.status === 401) throw new AuthFailed(`iam.token: login refused (${describe(reply)})`, details);
  if (reply.status === 201) throw new TargetUnchanged('iam.token: 201 without an X-Subject-Token header', details);
  throw new Misconfigured(`iam.token: unexpected answer (${describe(reply)})`, details);
}
