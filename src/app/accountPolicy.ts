import type { Connector } from '../connectors/types.js';
import type { AccountPasswordPolicy } from '../policy/index.js';

/**
 * The target's account password policy (IAM), read at most once per `ttlMs`: it changes rarely, and
 * every read is a request against the target's rate limit. Connectors without one return undefined.
 */
export function cachedAccountPolicy(
  connector: Connector,
  ttlMs: number,
): () => Promise<AccountPasswordPolicy | undefined> {
  let cached: { value: AccountPasswordPolicy | undefined; at: number } | undefined;
  return async () => {
    if (!connector.fetchAccountPolicy) return undefined;
    if (cached && Date.now() - cached.at < ttlMs) return cached.value;
    const value = (await connector.fetchAccountPolicy()) as AccountPasswordPolicy | undefined;
    cached = { value, at: Date.now() };
    return value;
  };
}
