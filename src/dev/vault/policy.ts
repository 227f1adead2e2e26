/**
 * Vault ACL policies: the HCL subset rotor's documentation uses (`path "..." { capabilities = [...] }`),
 * and the matching rules of Vault's ACL (exact path, `+` one segment, trailing `*` glob; the most specific
 * pattern wins; `deny` beats everything).
 */

export const capabilities = ['create', 'read', 'update', 'patch', 'delete', 'list', 'sudo', 'deny'] as const;
export type Capability = (typeof capabilities)[number];

export interface PathRule {
  pattern: string;
  capabilities: Set<Capability>;
}

export class PolicyParseError extends Error {}

/** Parses `path "<glob>" { capabilities = ["read", ...] }` blocks; comments with `#` or `//`. */
export function parsePolicy(hcl: string): PathRule[] {
  const text = hcl.replace(/(^|\s)(#|\/\/)[^\n]*/g, '$1');
  const rules: PathRule[] = [];
  const block = /path\s+"([^"]*)"\s*\{([^}]*)\}/g;
  let consumed = '';
  for (let m = block.exec(text); m; m = block.exec(text)) {
    consumed += m[0];
    const caps = /capabilities\s*=\s*\[([^\]]*)\]/.exec(m[2] ?? '');
    if (!caps) throw new PolicyParseError(`path "${m[1]}": missing capabilities`);
    const names = (caps[1] ?? '')
      .split(',')
      .map((s) => s.trim().replace(/^"|"$/g, ''))
      .filter((s) => s.length > 0);
    for (const n of names) {
      if (!(capabilities as readonly string[]).includes(n)) {
        throw new PolicyParseError(`path "${m[1]}": invalid capability "${n}"`);
      }
    }
    rules.push({ pattern: (m[1] ?? '').replace(/^\//, ''), capabilities: new Set(names as Capability[]) });
  }
  const leftover = text.replace(block, '').trim();
  if (leftover.length > 0 && consumed.length === 0) throw new PolicyParseError('no path blocks found');
  if (leftover.length > 0) throw new PolicyParseError(`unexpected text: ${leftover.slice(0, 40)}`);
  return rules;
}

function patternRegex(pattern: string): RegExp {
  const glob = pattern.endsWith('*');
  const body = glob ? pattern.slice(0, -1) : pattern;
  const parts = body.split('/').map((seg) => (seg === '+' ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${parts.join('/')}${glob ? '.*' : ''}$`);
}

function firstWildcard(p: string): number {
  const positions = [p.indexOf('+'), p.indexOf('*')].filter((i) => i >= 0);
  return positions.length ? Math.min(...positions) : Number.POSITIVE_INFINITY;
}

/** Vault's documented priority: returns > 0 when `a` is more specific than `b`. */
function comparePriority(a: string, b: string): number {
  const wa = firstWildcard(a);
  const wb = firstWildcard(b);
  if (wa !== wb) return wa > wb ? 1 : -1;
  const ga = a.endsWith('*');
  const gb = b.endsWith('*');
  if (ga !== gb) return ga ? -1 : 1;
  const pa = a.split('+').length;
  const pb = b.split('+').length;
  if (pa !== pb) return pa < pb ? 1 : -1;
  if (a.length !== b.length) return a.length > b.length ? 1 : -1;
  return a > b ? 1 : a < b ? -1 : 0;
}

/** The merged rules of every policy attached to one token. */
export class Acl {
  private readonly rules = new Map<string, Set<Capability>>();
  readonly root: boolean;

  constructor(policies: PathRule[][], root = false) {
    this.root = root;
    for (const rule of policies.flat()) {
      const merged = this.rules.get(rule.pattern) ?? new Set<Capability>();
      for (const c of rule.capabilities) merged.add(c);
      this.rules.set(rule.pattern, merged);
    }
  }

  /** The capabilities the token has on `path` (as `sys/capabilities-self` reports them). */
  capabilitiesOn(path: string): string[] {
    if (this.root) return ['root'];
    let best: string | undefined;
    for (const pattern of this.rules.keys()) {
      if (!patternRegex(pattern).test(path)) continue;
      if (best === undefined || comparePriority(pattern, best) > 0) best = pattern;
    }
    const caps = best === undefined ? undefined : this.rules.get(best);
    if (!caps || caps.size === 0 || caps.has('deny')) return ['deny'];
    return [...caps].sort();
  }

  allows(path: string, capability: Capability): boolean {
    if (this.root) return true;
    return this.capabilitiesOn(path).includes(capability);
  }

  /** Whether any rule grants something under the mount (Vault's check for `sys/internal/ui/mounts`). */
  hasMountAccess(mountPath: string): boolean {
    if (this.root) return true;
    for (const [pattern, caps] of this.rules) {
      if (caps.size === 0 || caps.has('deny')) continue;
      const w = firstWildcard(pattern);
      const prefix = Number.isFinite(w) ? pattern.slice(0, w) : pattern;
      if (pattern.startsWith(mountPath) || (Number.isFinite(w) && mountPath.startsWith(prefix))) return true;
    }
    return false;
  }
}

/** Vault's built-in `default` policy, reduced to the paths a client like rotor touches. */
export const defaultPolicyHcl = `
path "auth/token/lookup-self" { capabilities = ["read"] }
path "auth/token/renew-self" { capabilities = ["update"] }
path "auth/token/revoke-self" { capabilities = ["update"] }
path "sys/capabilities-self" { capabilities = ["update"] }
`;
