import { effectivePolicy } from '../connectors/kindPolicy.js';
import { connectorKinds, type ConnectorKind } from '../connectors/registry.js';
import { formatDuration } from '../config/duration.js';
import type { PolicyConfigInput } from '../policy/index.js';
import type { PolicyEvidence, ReportTarget } from './reportModel.js';

/**
 * The one place where the config becomes the report's view of its targets: ids, kinds, tags, max age,
 * schedule in words and the effective policy's rules. Narrow input types, so the report does not
 * depend on how the config or the connectors are laid out.
 */
export interface ConfiguredTarget {
  id: string;
  kind: string;
  tags?: readonly string[];
  maxAge?: number;
  policy?: string;
  schedule?: { cron: string; tz: string } | { every: number };
}

export interface ReportTargets {
  targets: ReportTarget[];
  /** Keyed `{policy name}/{kind}`: the same configured policy is a different effective one per kind. */
  policies: Record<string, PolicyEvidence>;
}

export function reportTargetsOf(
  configured: readonly ConfiguredTarget[],
  policies: Readonly<Record<string, PolicyConfigInput>> = {},
): ReportTargets {
  const evidence: Record<string, PolicyEvidence> = {};
  const targets = configured.map((t): ReportTarget => {
    const key = `${t.policy ?? 'default'}/${t.kind}`;
    if (!(key in evidence)) evidence[key] = policyEvidence(t.kind, t.policy, t.policy ? policies[t.policy] : undefined);
    return {
      id: t.id,
      kind: t.kind,
      tags: t.tags ?? [],
      maxAge: t.maxAge,
      policy: key,
      schedule: t.schedule === undefined ? undefined : scheduleText(t.schedule),
    };
  });
  return { targets, policies: evidence };
}

export function scheduleText(schedule: NonNullable<ConfiguredTarget['schedule']>): string {
  return 'cron' in schedule ? `cron ${schedule.cron} (${schedule.tz})` : `every ${formatDuration(schedule.every)}`;
}

function isConnectorKind(kind: string): kind is ConnectorKind {
  return (connectorKinds as readonly string[]).includes(kind);
}

/**
 * The rules passwords are generated to, without the account password policy that IAM reports at
 * rotation time (it can only tighten them). Lengths and counts only: never a password.
 */
function policyEvidence(
  kind: string,
  name: string | undefined,
  configured: PolicyConfigInput | undefined,
): PolicyEvidence {
  const label = name ?? 'default';
  try {
    const p = effectivePolicy({
      policyName: label,
      configured,
      kind: isConnectorKind(kind) ? kind : undefined,
    });
    const min = (c: string) => p.classes.find((k) => k.name === c)?.min ?? 0;
    return {
      name: label,
      kind,
      length: p.length,
      minLength: p.minLength,
      maxLength: p.maxLength,
      classes: { lower: min('lower'), upper: min('upper'), digits: min('digits'), special: min('special') },
      minClasses: p.minClasses,
      ...(p.maxRun === undefined ? {} : { maxRun: p.maxRun }),
      minDiffFromOld: p.minDiffFromOld,
      historyCount: p.historyCount,
      mustNotContainNames: p.mustNotContainNames,
      specialChars: p.classes.find((k) => k.name === 'special')?.chars ?? '',
    };
  } catch (err) {
    const problem = err instanceof Error ? err.message : String(err);
    return {
      name: label,
      kind,
      length: 0,
      minLength: 0,
      maxLength: 0,
      classes: { lower: 0, upper: 0, digits: 0, special: 0 },
      minClasses: 0,
      minDiffFromOld: 0,
      historyCount: 0,
      mustNotContainNames: true,
      specialChars: '',
      problem,
    };
  }
}
