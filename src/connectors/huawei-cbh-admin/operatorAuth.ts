import { Misconfigured } from '../../errors/index.js';
import type { ConnectorDeps } from '../types.js';
import { signSdkHmacSha256 } from '../huawei/akskSigner.js';
import { huaweiHttpFor, type HuaweiCall, type HuaweiHttp } from '../huawei/http.js';
import { iamPasswordLogin } from '../huawei/iamToken.js';
import { iamLoginGuard } from '../huawei/loginGuard.js';
import { obtainToken, sharedTokenCache } from '../huawei/tokenCache.js';
import type { CbhAdminTarget } from './schema.js';

/** How a CBH call is authenticated: headers to add, and the secrets to keep out of messages. */
export interface CbhAuth {
  /** Decorates a call with auth; `fresh` forces a new token (after a 401). */
  apply(call: HuaweiCall, fresh: boolean): Promise<HuaweiCall>;
  /** Proves the operator credential works (a token login; nothing for AK/SK, which is checked per request). */
  check(): Promise<void>;
  /** True when apply() used a cached token, so a 401 is worth one retry with a fresh one. */
  readonly usedCache: boolean;
}

/**
 * The operator credential named by `operator`: `{ ak, sk }` signs each request (`SDK-HMAC-SHA256`,
 * with X-Project-Id), `{ userName, password, domainName }` logs in to IAM for a project-scoped token.
 * It is read from Vault for each use and never kept beyond the call, except the token — which every
 * target using the same operator in the same project shares until it nears expiry.
 */
export function makeCbhAuth(target: CbhAdminTarget, deps: ConnectorDeps): CbhAuth {
  let usedCache = false;
  let iamHttp: HuaweiHttp | undefined;

  async function token(cred: Record<string, string>, fresh: boolean): Promise<string> {
    if (!target.iamEndpoint) throw new Misconfigured(`${target.id}: a user/password operator needs iamEndpoint`);
    if (!cred.password || !cred.domainName)
      throw new Misconfigured(`${target.id}: operator needs password and domainName`);
    const tokens = sharedTokenCache(
      `cbh-operator|${new URL(target.iamEndpoint).origin}|${cred.domainName}|${cred.userName ?? ''}|${target.projectId}`,
    );
    if (fresh) tokens.clear();
    iamHttp ??= huaweiHttpFor(target.iamEndpoint, target, deps);
    const guard = iamLoginGuard(target.iamEndpoint, cred.domainName, cred.userName ?? '', target);
    const got = await obtainToken(tokens, cred.password, () =>
      guard.login(() =>
        iamPasswordLogin(iamHttp!, {
          userName: cred.userName!,
          password: cred.password!,
          domainName: cred.domainName!,
          projectId: target.projectId,
        }),
      ),
    );
    usedCache = got.cached;
    return got.token;
  }

  return {
    get usedCache() {
      return usedCache;
    },
    async apply(call, fresh) {
      const cred = await deps.readCredential(target.operator);
      if (cred.ak && cred.sk) {
        usedCache = false;
        const { ak, sk } = cred;
        return {
          ...call,
          headers: { ...call.headers, 'X-Project-Id': target.projectId },
          secrets: [...call.secrets, sk],
          sign: (req) => signSdkHmacSha256(req, { ak, sk }),
        };
      }
      if (!cred.userName)
        throw new Misconfigured(
          `${target.id}: operator ${target.operator} needs {ak, sk} or {userName, password, domainName}`,
        );
      const t = await token(cred, fresh);
      return {
        ...call,
        headers: { ...call.headers, 'X-Auth-Token': t },
        secrets: [...call.secrets, t, cred.password ?? ''],
      };
    },
    async check() {
      const cred = await deps.readCredential(target.operator);
      if (cred.ak && cred.sk) return;
      if (!cred.userName)
        throw new Misconfigured(
          `${target.id}: operator ${target.operator} needs {ak, sk} or {userName, password, domainName}`,
        );
      await token(cred, false);
    },
  };
}
