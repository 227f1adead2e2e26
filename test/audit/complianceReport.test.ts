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

  it('sums up the share compliant and lists every exception, most severe first, with since when and why', () => {
    expect(report.summary).toEqual({
      targets: 7,
      compliant: 2,
      shareCompliant: 2 / 7,
      byStatus: { compliant: 2, overdue: 2, failing: 1, 'out-of-sync': 1, drifted: 0, 'never-rotated': 1 },
    });
    expect(report.exceptions).toEqual([
      {
        targetId: 'iam-carol',
        kind: 'huawei-iam-user',
        status: 'out-of-sync',
        since: '2025-03-29T03:00:00Z',
        errorCode: 'OutOfSync',
        ageMs: 3.375 * d,
        maxAgeMs: 30 * d,
      },
      { targetId: 'meeting-dave', kind: 'huawei-meeting-user', status: 'never-rotated', maxAgeMs: 30 * d },
      {
        targetId: 'meeting-bob',
        kind: 'huawei-meeting-user',
        status: 'overdue',
        since: '2025-03-12T03:00:00.000Z',
        ageMs: 49.375 * d,
        maxAgeMs: 30 * d,
      },
      {
        targetId: 'cbh-prod',
        kind: 'huawei-cbh-admin',
        status: 'overdue',
        since: '2025-03-27T03:00:00.000Z',
        ageMs: 11.375 * d,
        maxAgeMs: 7 * d,
      },
      {
        targetId: 'iam-erin',
        kind: 'huawei-iam-user',
        status: 'failing',
        since: '2025-03-30T03:00:00Z',
        errorCode: 'PolicyRejected',
        ageMs: 30.375 * d,
        maxAgeMs: 90 * d,
      },
    ]);
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
    const { bucketDays, buckets } = report.distributions.outcomes;
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

  it('counts password ages per bin, by kind and by tag, apart from those past their max age', () => {
    const tagged = buildComplianceReport({
      ...scenarioInput,
      targets: scenarioInput.targets.map((t) => ({ ...t, tags: t.id.startsWith('iam') ? ['prod'] : [] })),
    });
    const { ageBins, ageAll, ageByKind, ageByTag } = tagged.distributions;
    const bin = (label: string) => ageBins.findIndex((b) => b.label === label);
    // alice 6.1 d, carol 3.4 d (1–7 d); cbh 11.4 d past its 7 d (7–30 d); erin 30.4 d (30–60 d);
    // bob 49.4 d past 30 d (30–60 d); frank 85.4 d, no max age (60–90 d); dave never rotated.
    expect(ageAll.within[bin('1–7 d')]).toBe(2);
    expect(ageAll.over[bin('7–30 d')]).toBe(1);
    expect([ageAll.within[bin('30–60 d')], ageAll.over[bin('30–60 d')]]).toEqual([1, 1]);
    expect(ageAll.within[bin('60–90 d')]).toBe(1);
    expect(ageAll.neverRotated).toBe(1);
    expect(ageByKind.map((r) => [r.key, r.targets])).toEqual([
      ['huawei-cbh-admin', 1],
      ['huawei-iam-user', 4],
      ['huawei-meeting-user', 2],
    ]);
    expect(ageByTag).toEqual([expect.objectContaining({ key: 'prod', targets: 4, neverRotated: 0 })]);
  });

  it('gives the share compliant at the end of each day, by the same rules as the status now', () => {
    const points = report.distributions.complianceOverTime.points;
    expect(points).toHaveLength(31);
    const at = (day: string) => points.find((p) => p.time.startsWith(day));
    // On 03-02 (end of 03-01): erin rotated 03-01 (compliant), frank (no max age) compliant, cbh had no
    // rotation yet; bob's 02-10 password is 19 days old: 3 of 7.
    expect(at('2025-03-02')).toMatchObject({ compliant: 3, targets: 7 });
    expect(points.at(-1)).toMatchObject({ time: '2025-03-31T12:00:00.000Z', compliant: 2, share: 2 / 7 });
    expect(points.every((p) => p.share === p.compliant / 7)).toBe(true);
  });

  it('keeps the history of the exceptions: rotations, failures, out-of-sync, requests, newest first', () => {
    expect(report.history.scope).toBe('exceptions');
    expect(report.history.targets.map((h) => h.targetId)).toEqual(report.exceptions.map((x) => x.targetId));
    const bob = report.history.targets.find((h) => h.targetId === 'meeting-bob');
    expect(bob?.entries).toEqual([
      { time: '2025-03-16T03:00:00Z', kind: 'failure', actor: 'scheduler', outcome: 'failed', errorCode: 'AuthFailed' },
      {
        time: '2025-03-15T03:00:00Z',
        kind: 'failure',
        actor: 'scheduler',
        outcome: 'retry_scheduled',
        errorCode: 'Throttled',
      },
    ]);
    const dave = report.history.targets.find((h) => h.targetId === 'meeting-dave');
    expect(dave?.entries.map((e) => [e.kind, e.actor, e.reason])).toEqual([
      ['request', 'scheduler', undefined],
      ['request', 'api:ci-bot', 'onboarding'],
    ]);
  });

  it('reports one target with its whole history when asked for it, and refuses an unknown id', () => {
    const one = buildComplianceReport({ ...scenarioInput, targetId: 'iam-alice' });
    expect(one.scope).toEqual({ targetId: 'iam-alice' });
    expect(one.targets.map((t) => t.targetId)).toEqual(['iam-alice']);
    expect(one.history).toEqual({
      scope: 'target',
      targets: [
        {
          targetId: 'iam-alice',
          leftOut: 0,
          entries: [
            { time: '2025-03-25T09:00:05Z', kind: 'rotation', actor: 'scheduler', version: 7, verified: true },
            {
              time: '2025-03-25T09:00:00Z',
              kind: 'request',
              actor: 'cli:alice',
              reason: 'quarterly review',
            },
            { time: '2025-03-10T03:00:00Z', kind: 'rotation', actor: 'worker', version: 6, verified: true },
          ],
        },
      ],
    });
    expect(() => buildComplianceReport({ ...scenarioInput, targetId: 'nobody' })).toThrow(
      'no target with id "nobody" in the config',
    );
  });

  it('a heartbeat that finds the password changed outside rotor makes the target drifted until it is fixed', () => {
    const heartbeat = (time: string, outcome: string) => ({
      time,
      type: 'heartbeat.checked' as const,
      actor: 'worker',
      targetId: 'iam-alice',
      outcome,
    });
    const drifted = buildComplianceReport({
      ...scenarioInput,
      events: [
        ...scenarioInput.events,
        heartbeat('2025-03-27T00:00:00Z', 'ok'),
        heartbeat('2025-03-28T00:00:00Z', 'drifted'),
      ],
    });
    const alice = drifted.targets.find((t) => t.targetId === 'iam-alice');
    expect(alice).toMatchObject({
      status: 'drifted',
      statusSince: '2025-03-28T00:00:00Z',
      lastHeartbeat: { time: '2025-03-28T00:00:00Z', outcome: 'drifted' },
    });
    expect(drifted.exceptions[1]).toMatchObject({ targetId: 'iam-alice', status: 'drifted' });
    const fixed = buildComplianceReport({
      ...scenarioInput,
      events: [
        ...scenarioInput.events,
        heartbeat('2025-03-28T00:00:00Z', 'drifted'),
        heartbeat('2025-03-29T00:00:00Z', 'ok'),
      ],
    });
    expect(fixed.targets.find((t) => t.targetId === 'iam-alice')).toMatchObject({
      status: 'compliant',
      // An ok heartbeat proved the stored password: it is the last verification.
      lastVerified: '2025-03-29T00:00:00Z',
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
    expect(lines[1]).toMatch(/,1,cli:alice,,,,,,$/);
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

  it("HTML of a one-target report opens with that target's whole history", () => {
    const html = renderReport(buildComplianceReport({ ...scenarioInput, targetId: 'iam-alice' }), 'html');
    const section = /<section id="history">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '';
    expect(section).toContain('History of iam-alice');
    expect(section.match(/<tr><td><time/g)).toHaveLength(3);
    expect(section).toContain('cli:alice</td><td>“quarterly review”');
    expect(html.indexOf('id="history"')).toBeLessThan(html.indexOf('id="exceptions"'));
  });

  it('HTML escapes every value it shows', () => {
    const hostile = { ...report, targets: [{ ...report.targets[0]!, targetId: '<img src=x onerror=alert(1)>' }] };
    const html = renderReport(hostile, 'html');
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
  });
});
