/**
 * A policy refusal's message: the target's own words (already scrubbed of secrets by the transport) and
 * what to do about it, since rotor has tried one fresh password and stops.
 */
export function policyMessage(what: string): string {
  return (
    `${what}: the target refused the new password for its rules; rotor tried one fresh password and stops. ` +
    `Fix: declare the target's password rules in the config (its policy, or accountPolicy for IAM), then rotate again`
  );
}
