import type { AccountPolicySource } from '../connectors/types.js';
import type { Logger } from '../observability/logger.js';
import { accountPasswordPolicySchema, type AccountPasswordPolicy } from '../policy/index.js';

interface Cached {
  value: AccountPasswordPolicy | undefined;
  at: number;
}

// Per scope (IAM: endpoint + account), shared by every target of that account in this process: the
// policy is the account's, and each read is a request against the target's rate limit.
const cache = new Map<string, Cached>();
const warned = new Set<string>();

/** A target's account password policy, read through the shared cache. */
export interface AccountPolicyReader {
  read(): Promise<AccountPasswordPolicy | undefined>;
  /** The policy when `read` would answer without a request; undefined when it would ask the target. */
  known(): { value: AccountPasswordPolicy | undefined } | undefined;
}

/**
 * The account password policy a target must meet, read at most once per `ttlMs` per scope:
 * the API's answer when it can be read, else the one the config declares, else undefined — unknown,
 * and the password maker then applies the strictest rules the API allows (see makePasswordMaker).
 * Warns once per scope when the API refuses, saying how to declare it.
 */
export function cachedAccountPolicy(
  source: AccountPolicySource | undefined,
  ttlMs: number,
  logger: Logger,
): AccountPolicyReader {
  const fresh = (): Cached | undefined => {
    const hit = source && cache.get(source.scope);
    return hit && Date.now() - hit.at < ttlMs ? hit : undefined;
  };
  return {
    known: () => (source ? fresh() : { value: undefined }),
    read: async () => {
      if (!source) return undefined;
      const hit = fresh();
      if (hit) return hit.value;
      let fromApi: AccountPasswordPolicy | undefined;
      try {
        const read = await source.read();
        fromApi = read === undefined ? undefined : accountPasswordPolicySchema.parse(read);
      } catch (err) {
        // A failed read (throttled, unreachable) is not cached: the next rotation asks again.
        logger.warn({ err, scope: source.scope }, 'account password policy could not be read; using the declared one');
        return declaredOf(source);
      }
      const value = fromApi ?? declaredOf(source);
      if (fromApi === undefined && !warned.has(source.scope)) {
        warned.add(source.scope);
        if (source.declared) {
          // The expected path for users that may not read it: said once, not a warning.
          logger.info(
            { scope: source.scope },
            'the target does not let rotor read its account password policy; using accountPolicy from the config',
          );
        } else {
          logger.warn(
            { scope: source.scope },
            'the target does not let rotor read its account password policy and the config declares none: ' +
              'generating with the strictest rules it allows; declare accountPolicy on the target to say otherwise',
          );
        }
      }
      cache.set(source.scope, { value, at: Date.now() });
      return value;
    },
  };
}

function declaredOf(source: AccountPolicySource): AccountPasswordPolicy | undefined {
  return source.declared === undefined ? undefined : accountPasswordPolicySchema.parse(source.declared);
}
