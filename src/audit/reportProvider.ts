import type { PolicyConfigInput } from '../policy/index.js';
import type { SecretStore } from '../types/secretStore.js';
import { buildComplianceReport, type ComplianceReport, type LastRotation } from './complianceReport.js';
import type { AuditLog } from './redisAuditLog.js';
import type { ChainEvidence, ControlEvidence } from './reportModel.js';
import { reportTargetsOf, type ConfiguredTarget } from './reportTargets.js';
import { rotorPackage } from './rotorPackage.js';

export interface ReportSources {
  /** The config's targets (or anything shaped like them): turned into the report's view once, here. */
  targets: readonly ConfiguredTarget[];
  /** The config's `policies:`, for each target's effective policy. */
  policies?: Readonly<Record<string, PolicyConfigInput>>;
  auditLog: Pick<AuditLog, 'read'>;
  /** Vault's view of each target's current password; without it, ages come from the audit log alone. */
  lastRotations?: () => Promise<ReadonlyMap<string, LastRotation | undefined>>;
  /** Checks the audit chain (and its anchors) at generation time; without it the report says "not checked". */
  chain?: () => Promise<ChainEvidence>;
  /** The control mapping (which figures answer which control). */
  controls?: () => Promise<readonly ControlEvidence[]>;
  /** `sha256:` of the config file's bytes, so a reader can tell which configuration produced the report. */
  configDigest?: string;
  clock?: () => Date;
}

export interface ReportRequest {
  since: Date;
  until: Date;
  /** One target only, with its whole history in the period. */
  targetId?: string;
}

export type ReportProvider = (request: ReportRequest) => Promise<ComplianceReport>;

/** The one way `rotor audit report` and `/report` build a report, so both show the same figures. */
export function makeReportProvider(sources: ReportSources): ReportProvider {
  const clock = sources.clock ?? (() => new Date());
  const { targets, policies } = reportTargetsOf(sources.targets, sources.policies);
  return async ({ since, until, targetId }) => {
    const now = clock();
    // The chain is checked first: the events read next are then the ones that were verified (or later).
    const chain = sources.chain ? await sources.chain() : undefined;
    const [events, lastRotation, controls] = await Promise.all([
      // Everything up to `until`, not only the period: a status depends on what happened before it.
      sources.auditLog.read({ until }),
      sources.lastRotations ? sources.lastRotations() : Promise.resolve(new Map<string, LastRotation | undefined>()),
      sources.controls ? sources.controls() : Promise.resolve([]),
    ]);
    return buildComplianceReport({
      targets,
      policies,
      events,
      lastRotation,
      now,
      since,
      until,
      targetId,
      chain,
      controls,
      generator: {
        rotorVersion: rotorPackage().version,
        ...(sources.configDigest ? { configDigest: sources.configDigest } : {}),
      },
    });
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
