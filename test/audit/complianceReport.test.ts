import { describe, expect, it } from '@jest/globals';
import { buildComplianceReport } from '../../src/audit/complianceReport.js';
import { renderReport } from '../../src/audit/renderReport.js';
import { scenarioInput } from './reportScenario.js';

const d = 86_400_000;

describe('buildComplianceReport', () => {
  const report = buildComplianceReport(scenarioInput);
  const target = (id: string) => report.targets.find((t) => t.targetId === id);

  it('gives each target of the known history its status', () => {
    expect(Object.fromEntries(report.targets.map((t) => [t.targetId, t.status]))).toEqual({
      'iam-alice': 'compliant',
      'meeting-bob': 'overdue',
      'cbh-prod': 'overdue',
      'iam-carol': 'out-of-sync',
      'meeting-dave': 'never-rotated',
      'iam-erin': 'failing',
      'iam-frank': 'compliant',
    });
  });

  it('sums up the share compliant and lists the overdue, failing, out-of-sync and never rotated targets', () => {
    expect(report.summary).toEqual({
      targets: 7,
      compliant: 2,
      shareCompliant: 2 / 7,
      byStatus: { compliant: 2, overdue: 2, failing: 1, 'out-of-sync': 1, 'never-rotated': 1 },
      overdue: [
        { targetId: 'meeting-bob', ageMs: 49.375 * d, maxAgeMs: 30 * d },
        { targetId: 'cbh-prod', ageMs: 11.375 * d, maxAgeMs: 7 * d },
      ],
      failing: ['iam-erin'],
      outOfSync: ['iam-carol'],
      neverRotated: ['meeting-dave'],
    });
  });

  it('takes the age from Vault, and from the audit log only for targets Vault was not asked about', () => {
    expect(target('iam-alice')).toMatchObject({ lastSuccess: '2025-03-25T09:00:04.000Z', version: 7 });
    expect(target('iam-frank')).toMatchObject({ lastSuccess: '2025-01-05T03:00:00.000Z', version: 4 });
    expect(target('meeting-dave')?.ageMs).toBeUndefined();
  });

  it('counts rotations and failures within the period only, and remembers the last failure and verification', () => {
    expect(target('iam-alice')).toMatchObject({ rotations: 2, failures: 0, lastVerified: '2025-03-25T09:00:05Z' });
    expect(target('meeting-bob')).toMatchObject({
      rotations: 0,
      failures: 2,
      lastFailure: { time: '2025-03-16T03:00:00Z', outcome: 'failed', errorCode: 'AuthFailed' },
    });
    expect(target('iam-frank')).toMatchObject({ rotations: 0, failures: 0 });
    expect(target('cbh-prod')?.lastVerified).toBeUndefined();
    expect(target('iam-carol')?.outOfSyncSince).toBe('2025-03-29T03:00:00Z');
  });

  it('lists on-demand requests with who asked and why, leaving out the scheduler', () => {
    expect(target('iam-alice')?.onDemandRequests).toEqual([
      { time: '2025-03-25T09:00:00Z', actor: 'cli:alice', reason: 'quarterly review' },
    ]);
    expect(target('meeting-dave')?.onDemandRequests).toEqual([
      { time: '2025-03-26T03:00:00Z', actor: 'api:ci-bot', reason: 'onboarding' },
    ]);
  });

  it('buckets outcomes per day across the period', () => {
    const { bucketDays, buckets } = report.outcomes;
    expect(bucketDays).toBe(1);
    expect(buckets).toHaveLength(31);
    const sum = (k: 'succeeded' | 'failed' | 'outOfSync') => buckets.reduce((n, b) => n + b[k], 0);
    expect([sum('succeeded'), sum('failed'), sum('outOfSync')]).toEqual([5, 3, 1]);
    expect(buckets.find((b) => b.start === '2025-03-25')).toEqual({
      start: '2025-03-25',
      succeeded: 1,
      failed: 0,
      outOfSync: 0,
    });
  });

  it('a reconciliation after out-of-sync clears that status', () => {
    const events = [
      ...scenarioInput.events,
      { time: '2025-03-30T10:00:00Z', type: 'rotation.reconciled' as const, actor: 'cli:ops', targetId: 'iam-carol' },
    ];
    const again = buildComplianceReport({ ...scenarioInput, events });
    expect(again.targets.find((t) => t.targetId === 'iam-carol')?.status).toBe('compliant');
  });
});

describe('renderReport', () => {
  const report = buildComplianceReport(scenarioInput);

  it('CSV has a header and one row per target with ages in days', () => {
    const lines = renderReport(report, 'csv').trimEnd().split('\r\n');
    expect(lines).toHaveLength(8);
    expect(lines[0]).toMatch(/^target_id,kind,status,last_success,version,age_days,max_age_days,rotations,failures,/);
    expect(lines[2]).toMatch(/^meeting-bob,huawei-meeting-user,overdue,2025-02-10T03:00:00.000Z,2,49.4,30.0,0,2,/);
    expect(lines[1]).toMatch(/,1,cli:alice$/);
  });

  it('CSV quotes commas and defuses cells a spreadsheet would run as formulas', () => {
    const hostile = {
      ...report,
      targets: [{ ...report.targets[0]!, kind: '=HYPERLINK("x"),y', onDemandRequests: [] }],
    };
    const row = renderReport(hostile, 'csv').split('\r\n')[1] as string;
    expect(row).toContain(`"'=HYPERLINK(""x""),y"`);
  });

  it('JSON round-trips the report', () => {
    expect(JSON.parse(renderReport(report, 'json'))).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it('HTML escapes every value it shows', () => {
    const hostile = { ...report, targets: [{ ...report.targets[0]!, targetId: '<img src=x onerror=alert(1)>' }] };
    const html = renderReport(hostile, 'html');
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
  });
});
