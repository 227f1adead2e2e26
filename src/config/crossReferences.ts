/**
 * Checks that span several parts of the document: unique target ids, and references from targets
 * to policies and credentials. They run on the raw document, so they report even when other parts
 * of the config are broken (a user fixes everything in one pass).
 */
export interface CrossReferenceIssue {
  path: (string | number)[];
  message: string;
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function names(section: unknown): string[] {
  return Object.keys(record(section));
}

function oneOf(section: string, defined: string[], got: string): string {
  return `expected one of the ${section} defined under ${section}: (${defined.join(' | ') || 'none defined'}), got "${got}"`;
}

export function crossReferenceIssues(raw: unknown): CrossReferenceIssue[] {
  const doc = record(raw);
  const targets = Array.isArray(doc.targets) ? doc.targets : [];
  const policies = names(doc.policies);
  const credentials = names(doc.credentials);
  const issues: CrossReferenceIssue[] = [];
  const seen = new Map<string, number>();
  targets.forEach((value, index) => {
    const target = record(value);
    if (target.id === 'audit-anchors') {
      // Pending records live at {statePrefix}/{targetId}; this one holds the audit chain's anchors.
      issues.push({
        path: ['targets', index, 'id'],
        message: 'expected another id: "audit-anchors" is reserved (the audit chain\'s anchors in Vault)',
      });
    }
    if (typeof target.id === 'string') {
      const first = seen.get(target.id);
      if (first === undefined) seen.set(target.id, index);
      else
        issues.push({
          path: ['targets', index, 'id'],
          message: `expected a unique target id, got "${target.id}" (also targets[${first}].id)`,
        });
    }
    if (typeof target.policy === 'string' && !policies.includes(target.policy)) {
      issues.push({ path: ['targets', index, 'policy'], message: oneOf('policies', policies, target.policy) });
    }
    const refs: [(string | number)[], unknown][] = [
      [['operator'], target.operator],
      [['adminCredential'], target.adminCredential],
      [['auth', 'credential'], record(target.auth).credential],
    ];
    for (const [path, name] of refs) {
      if (typeof name === 'string' && !credentials.includes(name)) {
        issues.push({ path: ['targets', index, ...path], message: oneOf('credentials', credentials, name) });
      }
    }
  });
  return issues;
}
