import type { SecretStore } from '../types/secretStore.js';
import {
  buildComplianceReport,
  type ComplianceReport,
  type LastRotation,
  type ReportTarget,
} from './complianceReport.js';
import type { AuditLog } from './redisAuditLog.js';

export interface ReportSources {
  targets: readonly ReportTarget[];
  auditLog: Pick<AuditLog, 'read'>;
  /** Vault's view of each target's current password; without it, ages come from the audit log alone. */
  lastRotations?: () => Promise<ReadonlyMap<string, LastRotation | undefined>>;
  clock?: () => Date;
}

export type ReportProvider = (range: { since: Date; until: Date }) => Promise<ComplianceReport>;

/** The one way `rotor audit report` and `/report` build a report, so both show the same figures. */
export function makeReportProvider(sources: ReportSources): ReportProvider {
  const clock = sources.clock ?? (() => new Date());
  return async ({ since, until }) => {
    const now = clock();
    const [events, lastRotation] = await Promise.all([
      // Everything up to `until`, not only the period: a status depends on what happened before it.
      sources.auditLog.read({ until }),
      sources.lastRotations ? sources.lastRotations() : Promise.resolve(new Map<string, LastRotation | undefined>()),
    ]);
    return buildComplianceReport({ targets: sources.targets, events, lastRotation, now, since, until });
  };
}

/**
 * Reads `rotated_at` from each target's secret (custom_metadata stamped at finalize). A secret without
 * the stamp maps to `undefined`: rotor never rotated it. Errors propagate: a report that silently
 * fell back to other figures would mislead an auditor.
 */
export async function readLastRotations(
  store: Pick<SecretStore, 'readSecret'>,
  targets: ReadonlyArray<{ id: string; secretPath: string }>,
  concurrency = 8,
): Promise<Map<string, LastRotation | undefined>> {
  const out = new Map<string, LastRotation | undefined>();
  const queue = [...targets];
  async function next(): Promise<void> {
    for (let target = queue.shift(); target; target = queue.shift()) {
      const secret = await store.readSecret(target.secretPath);
      const stamp = secret?.customMetadata.rotated_at;
      const rotatedAt = stamp ? new Date(stamp) : undefined;
      out.set(
        target.id,
        secret && rotatedAt && !Number.isNaN(rotatedAt.getTime()) ? { rotatedAt, version: secret.version } : undefined,
      );
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, targets.length) }, next));
  return out;
}
