import type { ComplianceInput, LastRotation, ReportTarget } from '../../src/audit/complianceReport.js';
import type { AuditEvent } from '../../src/audit/types.js';

/**
 * A known history, March 2025, report taken on the 31st at noon:
 * - iam-alice   30d  rotated 03-25 (asked by cli:alice), 03-10            → compliant
 * - meeting-bob 30d  rotated 02-10, failed 03-15 (retry) and 03-16 (final) → overdue (49.5 d)
 * - cbh-prod     7d  rotated 03-20, unverifiable                           → overdue (11.5 d)
 * - iam-carol   30d  rotated 03-28, out of sync on 03-29                   → out-of-sync
 * - meeting-dave 30d no rotor stamp in Vault, requested by api:ci-bot     → never-rotated
 * - iam-erin    90d  rotated 03-01, failed 03-30                           → failing
 * - iam-frank   none not read from Vault; audit says rotated 01-05        → compliant (no max age)
 */
const d = 86_400_000;
export const scenarioNow = new Date('2025-03-31T12:00:00Z');
export const scenarioSince = new Date('2025-03-01T00:00:00Z');

export const scenarioTargets: ReportTarget[] = [
  { id: 'iam-alice', kind: 'huawei-iam-user', maxAge: 30 * d },
  { id: 'meeting-bob', kind: 'huawei-meeting-user', maxAge: 30 * d },
  { id: 'cbh-prod', kind: 'huawei-cbh-admin', maxAge: 7 * d },
  { id: 'iam-carol', kind: 'huawei-iam-user', maxAge: 30 * d },
  { id: 'meeting-dave', kind: 'huawei-meeting-user', maxAge: 30 * d },
  { id: 'iam-erin', kind: 'huawei-iam-user', maxAge: 90 * d },
  { id: 'iam-frank', kind: 'huawei-iam-user' },
];

const at = (day: string, time = '03:00:00') => `2025-${day}T${time}Z`;
const ev = (time: string, type: AuditEvent['type'], targetId: string, extra: Partial<AuditEvent> = {}): AuditEvent => ({
  time,
  type,
  actor: 'scheduler',
  targetId,
  ...extra,
});

export const scenarioEvents: AuditEvent[] = [
  ev(at('01-05'), 'rotation.succeeded', 'iam-frank', { detail: { version: 4, verified: true } }),
  ev(at('02-10'), 'rotation.succeeded', 'meeting-bob', { detail: { version: 2, verified: true } }),
  ev(at('03-01'), 'rotation.succeeded', 'iam-erin', { detail: { version: 9, verified: true } }),
  ev(at('03-10'), 'rotation.step', 'iam-alice', { actor: 'worker', step: 'verify', detail: { verified: true } }),
  ev(at('03-10'), 'rotation.succeeded', 'iam-alice', { actor: 'worker', detail: { version: 6, verified: true } }),
  ev(at('03-15'), 'rotation.failed', 'meeting-bob', { outcome: 'retry_scheduled', errorCode: 'Throttled' }),
  ev(at('03-16'), 'rotation.failed', 'meeting-bob', { outcome: 'failed', errorCode: 'AuthFailed' }),
  ev(at('03-20'), 'rotation.step', 'cbh-prod', {
    step: 'verify',
    detail: { verified: false, reason: 'no verify API' },
  }),
  ev(at('03-20'), 'rotation.succeeded', 'cbh-prod', { detail: { version: 3, verified: false } }),
  ev(at('03-25', '09:00:00'), 'rotation.requested', 'iam-alice', {
    actor: 'cli:alice',
    detail: { reason: 'quarterly review' },
  }),
  ev(at('03-25', '09:00:05'), 'rotation.succeeded', 'iam-alice', { detail: { version: 7, verified: true } }),
  ev(at('03-26'), 'rotation.requested', 'meeting-dave', { actor: 'api:ci-bot', detail: { reason: 'onboarding' } }),
  ev(at('03-26', '03:00:01'), 'rotation.requested', 'meeting-dave', { actor: 'scheduler' }),
  ev(at('03-28'), 'rotation.succeeded', 'iam-carol', { detail: { version: 5, verified: true } }),
  ev(at('03-29'), 'rotation.out_of_sync', 'iam-carol', { errorCode: 'OutOfSync' }),
  ev(at('03-30'), 'rotation.failed', 'iam-erin', { outcome: 'failed', errorCode: 'PolicyRejected' }),
  { time: at('03-30'), type: 'config.loaded', actor: 'scheduler', detail: { targets: 7 } },
];

export const scenarioLastRotation = new Map<string, LastRotation | undefined>([
  ['iam-alice', { rotatedAt: new Date(at('03-25', '09:00:04')), version: 7 }],
  ['meeting-bob', { rotatedAt: new Date(at('02-10')), version: 2 }],
  ['cbh-prod', { rotatedAt: new Date(at('03-20')), version: 3 }],
  ['iam-carol', { rotatedAt: new Date(at('03-28')), version: 5 }],
  ['meeting-dave', undefined],
  ['iam-erin', { rotatedAt: new Date(at('03-01')), version: 9 }],
]);

export const scenarioInput: ComplianceInput = {
  targets: scenarioTargets,
  events: scenarioEvents,
  lastRotation: scenarioLastRotation,
  now: scenarioNow,
  since: scenarioSince,
  until: scenarioNow,
};
