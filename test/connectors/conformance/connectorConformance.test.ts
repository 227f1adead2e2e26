import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startHuaweiSimulator, type HuaweiSimulator } from '../../../src/dev/huaweiSimulator.js';
import type { RotorError } from '../../../src/errors/index.js';
import { captureLogger, leaks } from '../logCapture.js';
import { capabilitiesOf, connect, fixtures, type KindFixture } from './fixtures.js';

/** Runs the promise and returns the rotor error it rejects with (fails the test if it resolves). */
async function rejection(p: Promise<unknown>): Promise<RotorError> {
  try {
    await p;
  } catch (err) {
    return err as RotorError;
  }
  throw new Error('expected a rejection');
}

let sim: HuaweiSimulator;
const { logger, lines } = captureLogger();

beforeAll(async () => {
  sim = await startHuaweiSimulator();
});
afterAll(async () => {
  await sim.close();
});

describe.each(fixtures.map((f) => ({ ...f, label: f.label ?? f.kind })))(
  'connector conformance: $label',
  (f: KindFixture) => {
    const count = (route: string, since: number) => sim.requestLog.slice(since).filter((r) => r.route === route).length;

    it('changes the password, and the target then accepts only the new one', async () => {
      const seeded = f.seed(sim);
      const c = connect(f.kind, seeded, logger);
      await c.authenticate(f.oldPassword);
      await c.change({ oldPassword: f.oldPassword, newPassword: f.newPassword });
      expect(sim.livePassword(f.kind, seeded.liveId)).toBe(f.newPassword);
      if (capabilitiesOf(f.kind, seeded).canVerify) {
        expect(await c.verify(f.newPassword)).toBe(true);
      } else {
        expect((await rejection(c.verify(f.newPassword))).name).toBe('Misconfigured');
      }
    });

    it('reports a wrong old password as TargetUnchanged and leaves the account as it was', async () => {
      const seeded = f.seed(sim);
      const c = connect(f.kind, seeded, logger);
      const attempt = c.change({ oldPassword: 'Wrong-Passw0rd!', newPassword: f.newPassword });
      if (f.usesOldPassword) {
        expect((await rejection(attempt)).name).toBe('TargetUnchanged');
        expect(sim.livePassword(f.kind, seeded.liveId)).toBe(f.oldPassword);
      } else {
        // An admin reset does not take the old password: the change goes through.
        await attempt;
        expect(sim.livePassword(f.kind, seeded.liveId)).toBe(f.newPassword);
      }
    });

    it('reports a password the target refuses as PolicyRejected', async () => {
      const seeded = f.seed(sim);
      const err = await rejection(
        connect(f.kind, seeded, logger).change({ oldPassword: f.oldPassword, newPassword: f.weakPassword }),
      );
      expect(err.name).toBe('PolicyRejected');
      expect(err.details.status).toBe(400);
      // In strict-docs mode Meeting answers a bare 400: the status alone must be enough.
      if (!sim.strictDocs) expect(err.details.upstreamCode).toBeDefined();
      expect(sim.livePassword(f.kind, seeded.liveId)).toBe(f.oldPassword);
    });

    it('re-authenticates exactly once when its cached token has expired', async () => {
      const seeded = f.seed(sim);
      const c = connect(f.kind, seeded, logger);
      await c.authenticate(f.oldPassword);
      seeded.expireTokens();
      const since = sim.requestLog.length;
      await c.change({ oldPassword: f.oldPassword, newPassword: f.newPassword });
      expect(count(f.loginRoute, since)).toBe(1);
      expect(count(f.changeRoute, since)).toBe(2);
      expect(sim.livePassword(f.kind, seeded.liveId)).toBe(f.newPassword);
    });

    it('waits out a short Retry-After of a 429 APIG.0308 and then succeeds', async () => {
      const seeded = f.seed(sim);
      const c = connect(f.kind, seeded, logger);
      sim.inject({ route: f.changeRoute, kind: 'throttle', retryAfterS: 1 });
      const started = Date.now();
      await c.change({ oldPassword: f.oldPassword, newPassword: f.newPassword });
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      const [throttled, retried] = sim.requests(f.changeRoute).slice(-2);
      expect([throttled?.status, throttled?.errorCode]).toEqual([429, 'APIG.0308']);
      expect([200, 204]).toContain(retried?.status);
      expect(sim.livePassword(f.kind, seeded.liveId)).toBe(f.newPassword);
    });

    it('surfaces a long Retry-After as Throttled carrying the delay', async () => {
      const seeded = f.seed(sim);
      sim.inject({ route: f.changeRoute, kind: 'throttle', retryAfterS: 30 });
      const err = await rejection(
        connect(f.kind, seeded, logger).change({ oldPassword: f.oldPassword, newPassword: f.newPassword }),
      );
      expect(err.name).toBe('Throttled');
      expect(err.details).toMatchObject({ status: 429, upstreamCode: 'APIG.0308', retryAfterMs: 30_000 });
      expect(sim.livePassword(f.kind, seeded.liveId)).toBe(f.oldPassword);
    });

    it('reports a 503 refused before processing as TargetUnchanged', async () => {
      const seeded = f.seed(sim);
      sim.inject({ route: f.changeRoute, kind: 'status', status: 503, body: 'gateway' });
      const err = await rejection(
        connect(f.kind, seeded, logger).change({ oldPassword: f.oldPassword, newPassword: f.newPassword }),
      );
      expect(err.name).toBe('TargetUnchanged');
      expect(err.details.status).toBe(503);
      expect(sim.livePassword(f.kind, seeded.liveId)).toBe(f.oldPassword);
    });

    it('reports a 500 without a documented body as OutcomeUnknown', async () => {
      const seeded = f.seed(sim);
      sim.inject({ route: f.changeRoute, kind: 'status', status: 500, body: 'none' });
      const err = await rejection(
        connect(f.kind, seeded, logger).change({ oldPassword: f.oldPassword, newPassword: f.newPassword }),
      );
      expect(err.name).toBe('OutcomeUnknown');
    });

    it('reports a change applied before the connection dropped as OutcomeUnknown', async () => {
      const seeded = f.seed(sim);
      const c = connect(f.kind, seeded, logger);
      sim.inject({ route: f.changeRoute, kind: 'applyThenDrop' });
      const err = await rejection(c.change({ oldPassword: f.oldPassword, newPassword: f.newPassword }));
      expect(err.name).toBe('OutcomeUnknown');
      expect(sim.livePassword(f.kind, seeded.liveId)).toBe(f.newPassword);
      if (capabilitiesOf(f.kind, seeded).idempotentChange) {
        // Re-sending the same password is how an admin-reset kind resolves the unknown outcome.
        await c.change({ oldPassword: f.oldPassword, newPassword: f.newPassword });
      } else {
        expect(await c.verify(f.newPassword)).toBe(true);
      }
    });

    it('reports a change that never gets an answer as OutcomeUnknown after the response timeout', async () => {
      const seeded = f.seed(sim);
      sim.inject({ route: f.changeRoute, kind: 'hang' });
      const err = await rejection(
        connect(f.kind, seeded, logger).change({ oldPassword: f.oldPassword, newPassword: f.newPassword }),
      );
      expect(err.name).toBe('OutcomeUnknown');
    });

    it('never sends more refused logins than configured', async () => {
      const seeded = f.seed(sim, { wrongLogin: true, extra: { maxRefusedLogins: 2 } });
      const c = connect(f.kind, seeded, logger);
      const since = sim.requestLog.length;
      // Kinds with a login for the target probe its password; CBH logs its operator in.
      const probe = () => (f.usesOldPassword ? c.verify('Wrong-Passw0rd!') : c.authenticate('unused'));
      const outcomes: string[] = [];
      for (let i = 0; i < 4; i++) {
        outcomes.push(
          await probe().then(
            (ok) => String(ok),
            (err: Error) => err.name,
          ),
        );
      }
      expect(count(f.loginRoute, since)).toBe(2);
      expect(outcomes.slice(2)).toEqual(['AuthFailed', 'AuthFailed']);
    });

    it('writes no password, token or key to any log line', () => {
      expect(lines.length).toBeGreaterThan(0);
      expect(leaks(lines, sim.secrets())).toEqual([]);
    });
  },
);
