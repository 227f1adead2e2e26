import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { selectTargets } from '../../src/cli/commands/rotate.js';
import { formatAge, renderTable, wrapWords } from '../../src/cli/commands/status.js';
import { noteOf } from '../../src/scheduling/statusReport.js';
import { CliExit } from '../../src/cli/exitCodes.js';
import { makeProgressBar, pace } from '../../src/scheduling/progressBar.js';
import { iamTarget, makeConfig } from './schedulingFixture.js';

const config = makeConfig({
  prefix: 'unused',
  targets: [
    iamTarget('a', { tags: ['prod', 'eu'] }),
    iamTarget('b', { tags: ['prod'] }),
    iamTarget('c', { tags: ['dev'] }),
    {
      id: 'm',
      kind: 'huawei-meeting-user',
      endpoint: 'http://127.0.0.1:9',
      account: 'm@acme.com',
      secretPath: 'm',
      tags: ['prod'],
    },
  ],
});
const ids = (targets: { id: string }[]) => targets.map((t) => t.id);
const none = { tag: [] as string[] };

describe('selectTargets', () => {
  it('takes named ids, every target with --all, and narrows by --kind and every --tag', () => {
    expect(ids(selectTargets(config, ['b', 'a', 'b'], none))).toEqual(['b', 'a']);
    expect(ids(selectTargets(config, [], { all: true, tag: [] }))).toEqual(['a', 'b', 'c', 'm']);
    expect(ids(selectTargets(config, [], { kind: 'huawei-meeting-user', tag: [] }))).toEqual(['m']);
    expect(ids(selectTargets(config, [], { tag: ['prod'] }))).toEqual(['a', 'b', 'm']);
    expect(ids(selectTargets(config, [], { kind: 'huawei-iam-user', tag: ['prod', 'eu'] }))).toEqual(['a']);
  });

  it('refuses, as bad usage, unknown ids, an unknown kind, no selection, and a selection that matches nothing', () => {
    const usage = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return err instanceof CliExit ? `${err.exitCode}: ${err.message}` : 'other';
      }
      return 'no error';
    };
    expect(usage(() => selectTargets(config, ['a', 'zz'], none))).toBe('2: rotate: no target "zz" in the config');
    expect(usage(() => selectTargets(config, [], { kind: 'ldap', tag: [] }))).toMatch(/^2: --kind: expected one of/);
    expect(usage(() => selectTargets(config, [], none))).toMatch(/^2: rotate: name targets/);
    expect(usage(() => selectTargets(config, ['a'], { all: true, tag: [] }))).toMatch(/not both/);
    expect(usage(() => selectTargets(config, [], { tag: ['nowhere'] }))).toBe(
      '2: rotate: no configured target matches',
    );
  });
});

describe('rotor status output', () => {
  it('writes ages with their two largest units', () => {
    expect(formatAge(undefined)).toBe('-');
    expect(formatAge(0)).toBe('0s');
    expect(formatAge(90 * 86_400_000 + 5 * 3_600_000 + 7_000)).toBe('90d 5h');
    expect(formatAge(61_000)).toBe('1m 1s');
  });

  it('renders a table with one aligned line per target', () => {
    const text = renderTable([
      {
        targetId: 'iam-alice',
        kind: 'huawei-iam-user',
        state: 'overdue',
        ageMs: 91 * 86_400_000,
        maxAgeMs: 90 * 86_400_000,
        lastSuccess: '2024-02-01T03:00:00.123Z',
        nextDue: '2000-01-01T00:00:00.000Z',
      },
      { targetId: 'cbh', kind: 'huawei-cbh-admin', state: 'failing', lastError: 'AuthFailed: operator refused' },
    ]);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TARGET\s+KIND\s+STATE\s+LAST SUCCESS\s+AGE\s+MAX AGE\s+NEXT DUE\s+NOTE$/);
    expect(lines[1]).toMatch(/^iam-alice\s+huawei-iam-user\s+overdue\s+2024-02-01T03:00:00Z\s+91d\s+90d\s+now$/);
    expect(lines[2]).toMatch(/failing .*AuthFailed: operator refused$/);
    expect(lines[1]?.indexOf('overdue')).toBe(lines[2]?.indexOf('failing'));
  });
});

describe('the VERIFIED column of rotor status', () => {
  it('appears with heartbeats: how long ago the stored password logged in, or that the kind cannot verify', () => {
    const now = Date.now();
    const text = renderTable(
      [
        {
          targetId: 'iam-alice',
          kind: 'huawei-iam-user',
          state: 'ok',
          lastVerified: new Date(now - 2 * 3_600_000).toISOString(),
          heartbeat: { result: 'verified', everyMs: 86_400_000 },
        },
        {
          targetId: 'cbh',
          kind: 'huawei-cbh-admin',
          state: 'ok',
          heartbeat: { result: 'unverifiable', everyMs: 86_400_000 },
          verifiable: false,
          unverifiedReason: 'CBH has no API to verify the admin password',
        },
      ],
      200,
    );
    const [header, alice, cbh] = text.trimEnd().split('\n');
    expect(header).toMatch(/NEXT DUE\s+VERIFIED\s+NOTE$/);
    expect(alice).toMatch(/\s2h( \d+[ms])? ago$/);
    expect(cbh).toMatch(/\scannot\s+cannot verify: CBH has no API to verify the admin password$/);
  });
});

describe('the NOTE column of rotor status', () => {
  const outOfSync = {
    targetId: 'meet-u00',
    kind: 'huawei-meeting-user',
    state: 'out-of-sync' as const,
    lastError:
      'target meet-u00: neither the pending nor the current password is accepted by the target; waiting for rotor reconcile',
  };

  it('leads an out-of-sync target with the reconcile command and wraps the rest at word boundaries', () => {
    const width = 130;
    const lines = renderTable([outOfSync], width).trimEnd().split('\n');
    const column = lines[0]?.indexOf('NOTE') ?? -1;
    const note = lines.slice(1).map((l) => l.slice(column));
    expect(note[0]).toMatch(/^run rotor reconcile meet-u00: neither/);
    expect(note.join(' ')).toBe(
      'run rotor reconcile meet-u00: neither the pending nor the current password is accepted by the target',
    );
    expect(note.length).toBeGreaterThan(1);
    // Continuation lines sit under NOTE and nothing runs past the width.
    for (const line of lines.slice(2)) expect(line.slice(0, column).trim()).toBe('');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(width);
  });

  it('ends a very long note after a whole word with an ellipsis', () => {
    const failing = {
      targetId: 'iam-a',
      kind: 'huawei-iam-user',
      state: 'failing' as const,
      lastError: `target iam-a: ${'the stored password was refused by the target '.repeat(10)}`,
    };
    const lines = renderTable([failing], 130).trimEnd().split('\n');
    const column = lines[0]?.indexOf('NOTE') ?? -1;
    const note = lines.slice(1).map((l) => l.slice(column));
    expect(note).toHaveLength(4);
    expect(note[0]).toMatch(/^the stored password/);
    expect(note[3]).toMatch(/(^| )[a-z]+…$/);
    expect(wrapWords('one two three', 8)).toEqual(['one two', 'three']);
    expect(wrapWords('a verylongword', 5)).toEqual(['a', 'veryl', 'ongwo', 'rd']);
  });

  it("says why a delayed job waits and when it runs, in the target's terms", () => {
    const until = new Date(Date.now() + 240_000).toISOString();
    const note = noteOf({
      targetId: 'meet-u00',
      kind: 'huawei-meeting-user',
      state: 'due',
      job: {
        state: 'delayed',
        attempts: 1,
        waiting: { code: 'CooldownActive', until, message: 'm', why: "waiting for Meeting's 5-minute cooldown" },
      },
    });
    expect(note).toMatch(
      /^job delayed: waiting for Meeting's 5-minute cooldown, runs at (\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d UTC$/,
    );
  });
});

describe('the progress bar of rotor rotate --wait on a terminal', () => {
  it('redraws one line in place, prints failures above it, and ends with a summary', () => {
    let out = '';
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        out += chunk.toString();
        done();
      },
    });
    const bar = makeProgressBar(stream, 3, { dryRun: false, wait: true });
    bar.update({
      event: 'run',
      runId: 'r1',
      resumed: true,
      startedAt: '2024-05-06T00:00:00.000Z',
      targets: 3,
      alreadyDone: 1,
    });
    bar.update({ event: 'skipped', targetId: 'a', why: 'done in run r1' });
    bar.update({
      event: 'succeeded',
      status: 'succeeded',
      targetId: 'b',
      jobId: 'rotate.b',
      outcome: { rotationId: 'x', targetId: 'b', version: 2, verified: true, recovered: false },
    });
    bar.update({
      event: 'failed',
      status: 'failed',
      targetId: 'c',
      jobId: 'rotate.c',
      error: 'AuthFailed: refused',
      attempts: 1,
    });
    bar.finish({
      runId: 'r1',
      total: 3,
      succeeded: 1,
      failed: 1,
      timedOut: 0,
      skipped: 1,
      queued: 0,
      problems: 0,
      ok: false,
    });
    expect(out).toContain('resuming run r1 (started 2024-05-06T00:00:00.000Z): 1 of 3 done\n');
    expect(out).toContain('FAILED c: AuthFailed: refused\n');
    const visible = out.replaceAll('\u001b', '<ESC>').replaceAll('\r', '<CR>');
    expect(visible).toMatch(/<CR><ESC>\[2K\[#{30}\] 3\/3 {2}ok 1 {2}failed 1 {2}done earlier 1 {2}\d+s\n/);
    expect(out).toContain('run r1: NOT all succeeded: 1 rotated, 1 done earlier, 1 failed, 0 timed out\n');
  });

  it("prints why a job waits and when it runs, once per cause, and repeats it in the job's TIMEOUT line", () => {
    let out = '';
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        out += chunk.toString();
        done();
      },
    });
    const bar = makeProgressBar(stream, 2, { dryRun: false, wait: true });
    const until = Date.now() + 4 * 60_000 + 12_500;
    const iso = new Date(until).toISOString();
    // The date is written too when the job runs on another (UTC) day.
    const sameDay = iso.slice(0, 10) === new Date().toISOString().slice(0, 10);
    const clock = `${sameDay ? '' : `${iso.slice(0, 10)} `}${iso.slice(11, 19)}`;
    const waiting = {
      event: 'waiting' as const,
      targetId: 'meet-u00',
      jobId: 'rotate.meet-u00',
      code: 'CooldownActive',
      until: new Date(until).toISOString(),
      message: 'target meet-u00: changed less than 5 min ago',
      why: "waiting for Meeting's 5-minute cooldown",
    };
    bar.update(waiting);
    bar.update(waiting);
    bar.update({
      event: 'no-worker',
      afterMs: 5_000,
      open: 2,
      message: 'no worker is running: start `rotor worker` or `rotor run`',
    });
    bar.update({
      event: 'timeout',
      status: 'timeout',
      targetId: 'meet-u00',
      jobId: 'rotate.meet-u00',
      state: 'delayed',
      waiting: { code: 'CooldownActive', until, message: waiting.message },
    });
    bar.update({ event: 'timeout', status: 'timeout', targetId: 'iam-0', jobId: 'rotate.iam-0', state: 'waiting' });
    // What a terminal shows: each line as it stands after the last "return and clear line".
    const lines = out.split('\n').map((l) => l.split('\r\u001b[2K').at(-1) ?? '');
    const said = (re: RegExp) => lines.filter((l) => re.test(l));
    expect(said(/^meet-u00: waiting for Meeting's 5-minute cooldown/)).toEqual([
      `meet-u00: waiting for Meeting's 5-minute cooldown, runs at ${clock} UTC (in 4m 12s)`,
    ]);
    expect(said(/no worker/)[0]).toBe('no worker is running: start `rotor worker` or `rotor run`');
    expect(said(/^TIMEOUT meet-u00/)[0]).toMatch(
      new RegExp(
        `^TIMEOUT meet-u00 \\(job delayed\\): waiting for Meeting's 5-minute cooldown, runs at ${clock} UTC \\(in 4m 1[12]s\\); the job stays queued$`,
      ),
    );
    expect(said(/^TIMEOUT iam-0/)[0]).toBe('TIMEOUT iam-0 (job waiting): no worker took it; the job stays queued');
  });

  it('shows the rate so far and the time the rest will take at that rate', () => {
    let out = '';
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        out += chunk.toString();
        done();
      },
    });
    let clock = 1_000_000;
    const bar = makeProgressBar(stream, 10, { dryRun: false, wait: true }, () => clock);
    const succeed = (id: string) =>
      bar.update({
        event: 'succeeded',
        status: 'succeeded',
        targetId: id,
        jobId: `rotate.${id}`,
        outcome: { rotationId: id, targetId: id, version: 2, verified: true, recovered: false },
      });
    for (const id of ['a', 'b', 'c', 'd']) {
      clock += 500;
      succeed(id);
    }
    // 4 in 2 s: 2 a second, so the 6 left take 3 s.
    bar.finish({ total: 10, succeeded: 4, failed: 0, timedOut: 0, skipped: 0, queued: 0, problems: 0, ok: false });
    const drawn = out.split('\r\u001b[2K').filter((l) => l.startsWith('['));
    expect(drawn.at(-1)).toMatch(/^\[#{12}-{18}\] 4\/10 {2}ok 4 {2}2s {2}2\.0\/s {2}ETA 3s/);
    expect(pace(1, 99, 40_000)).toBe('  0.03/s  ETA 1h 6m');
    expect(pace(50, 0, 2_000)).toBe('  25/s');
    expect(pace(0, 10, 5_000)).toBe('');
    expect(pace(3, 10, 200)).toBe('');
  });

  it('without --wait prints one line per target and no bar', () => {
    let out = '';
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        out += chunk.toString();
        done();
      },
    });
    const bar = makeProgressBar(stream, 2, { dryRun: false, wait: false });
    bar.update({ event: 'queued', targetId: 'a', jobId: 'rotate.a', state: 'added' });
    bar.update({ event: 'queued', targetId: 'b', jobId: 'rotate.b', state: 'joined' });
    bar.finish({ total: 2, succeeded: 0, failed: 0, timedOut: 0, skipped: 0, queued: 2, problems: 0, ok: true });
    expect(out).toBe(
      'a: queued (job rotate.a)\nb: joined the job in flight (job rotate.b)\n' +
        'rotation: 2 queued, not waited for (rotor status shows progress)\n',
    );
  });
});
