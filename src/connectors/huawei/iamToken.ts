import { AuthFailed, Misconfigured } from '../../errors/index.js';
import type { HuaweiHttp } from './http.js';
import { accountBlocked, describe, detailsOf, jsonError, lockedOut, unrecognisedRead } from './replies.js';

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
  if (reply.status === 401 && lockedOut(reply)) throw accountBlocked('iam.token', 'locked', reply);
  if (reply.status === 401) throw new AuthFailed(`iam.token: login refused (${describe(reply)})`, detailsOf(reply));
  if (jsonError(reply) && [400, 403, 404].includes(reply.status))
    throw new Misconfigured(`iam.token: login request refused (${describe(reply)})`, detailsOf(reply));
  // 201 without the token header, a 200 page, a proxy's error page: nothing changed, nothing was proven.
  throw unrecognisedRead('iam.token', reply);
}
