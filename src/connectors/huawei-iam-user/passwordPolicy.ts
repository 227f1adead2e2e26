import { Misconfigured } from '../../errors/index.js';
import type { AccountPolicy, ConnectorDeps } from '../types.js';
import type { HuaweiHttp } from '../huawei/http.js';
import { iamPasswordLogin } from '../huawei/iamToken.js';
import { iamLoginGuard } from '../huawei/loginGuard.js';
import { describe, detailsOf, jsonObject, unrecognisedRead } from '../huawei/replies.js';
import type { DeclaredAccountPolicy, IamUserTarget } from './schema.js';

interface PolicyReadArgs {
  target: IamUserTarget;
  deps: ConnectorDeps;
  http: HuaweiHttp;
  /** The user's own token, when it has logged in (ordinary users are usually refused: 403). */
  userToken(): string | undefined;
  domainId(): string | undefined;
}

/**
 * `GET /v3.0/OS-SECURITYPOLICY/domains/{domain_id}/password-policy`. It needs
 * `iam:securitypolicies:getPasswordPolicy`, which a user rotating its own password rarely has: with an
 * `adminCredential` rotor reads it as that admin, else with the user's token, and a 403 means
 * "unknown" (undefined), not a failure.
 */
export async function readIamPasswordPolicy(args: PolicyReadArgs): Promise<AccountPolicy | undefined> {
  const { target, deps, http } = args;
  let token = args.userToken();
  let domainId = args.domainId();
  const secrets: string[] = [];
  if (target.adminCredential) {
    const cred = await deps.readCredential(target.adminCredential);
    if (cred.userName && cred.password) {
      const domainName = cred.domainName ?? target.domainName;
      const guard = iamLoginGuard(target.endpoint, domainName, cred.userName, target);
      const admin = await guard.login(() =>
        iamPasswordLogin(http, { userName: cred.userName!, password: cred.password!, domainName }),
      );
      token = admin.token;
      domainId = admin.domainId ?? domainId;
      secrets.push(cred.password);
    }
  }
  if (!token || !domainId) {
    throw new Misconfigured(`${target.id}: reading the account password policy needs a token: authenticate first`);
  }
  secrets.push(token);
  const reply = await http.send({
    name: 'iam.passwordPolicy',
    method: 'GET',
    path: `/v3.0/OS-SECURITYPOLICY/domains/${encodeURIComponent(domainId)}/password-policy`,
    headers: { 'X-Auth-Token': token },
    mutating: false,
    secrets,
  });
  if (reply.status === 403) return undefined;
  const policy = jsonObject(reply)?.password_policy;
  if (reply.status === 200 && policy !== null && typeof policy === 'object' && !Array.isArray(policy)) {
    return policy as AccountPolicy;
  }
  if (reply.status === 200) throw unrecognisedRead(`${target.id}: iam.passwordPolicy`, reply);
  throw new Misconfigured(`${target.id}: password policy unreadable (${describe(reply)})`, detailsOf(reply));
}

/** The config's camelCase `accountPolicy` in IAM's own field names. */
export function declaredPolicyOf(declared: DeclaredAccountPolicy | undefined): AccountPolicy | undefined {
  if (!declared) return undefined;
  const out: AccountPolicy = {};
  const names: Record<keyof DeclaredAccountPolicy, string> = {
    minimumPasswordLength: 'minimum_password_length',
    maximumPasswordLength: 'maximum_password_length',
    passwordCharCombination: 'password_char_combination',
    maximumConsecutiveIdenticalChars: 'maximum_consecutive_identical_chars',
    numberOfRecentPasswordsDisallowed: 'number_of_recent_passwords_disallowed',
    minimumPasswordAge: 'minimum_password_age',
    passwordNotUsernameOrInvert: 'password_not_username_or_invert',
  };
  for (const [key, value] of Object.entries(declared)) {
    if (value !== undefined) out[names[key as keyof DeclaredAccountPolicy]] = value;
  }
  return out;
}
