import type { AddressInfo } from 'node:net';
import type { ConnectorKind } from '../connectors/kinds.js';
import { SimClock } from './huawei/clock.js';
import { IamState, type IamLoginPolicy, type IamPasswordPolicy, type SeedIamUser } from './huawei/iamState.js';
import { iamRoutes } from './huawei/iamRoutes.js';
import { makeDispatcher } from './huawei/server.js';
import { simAdmin } from './huawei/admin.js';
import type { SimFault, SimRequestRecord } from './huawei/types.js';

export type { SimFault, SimRequestRecord } from './huawei/types.js';
export type { IamPasswordPolicy, IamLoginPolicy, SeedIamUser } from './huawei/iamState.js';

export interface HuaweiSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
}

/**
 * A stand-in for the Huawei Cloud APIs rotor calls (IAM, Meeting, CBH) on one plain HTTP server,
 * answering with the documented shapes and status codes. Seeding, faults and the clock are driven
 * through this object or through the admin API under `/__sim/` on the same server.
 */
export interface HuaweiSimulator {
  url: string;
  clock: SimClock;
  iam: {
    state: IamState;
    seedUser(seed: SeedIamUser): { userId: string; domainId: string };
    seedAccessKey(args: { ak: string; sk: string; userId: string }): void;
    seedProject(args: { projectId: string; domainName: string; name?: string }): void;
    setPasswordPolicy(domainName: string, policy: Partial<IamPasswordPolicy>): void;
    setLoginPolicy(domainName: string, policy: Partial<IamLoginPolicy>): void;
    /** Makes the user's tokens (or everyone's) expire now. */
    expireTokens(userId?: string): void;
    livePassword(userId: string): string | undefined;
  };
  /** The password the target would accept right now, per kind and id (IAM user id, Meeting account, CBH server id). */
  livePassword(kind: ConnectorKind, id: string): string | undefined;
  /** Every request, oldest first. */
  requestLog: SimRequestRecord[];
  /** The requests one route received (e.g. `iam.changePassword`). */
  requests(route: string): SimRequestRecord[];
  /** Requests per route id. */
  counters(): Record<string, number>;
  inject(fault: SimFault): void;
  clearFaults(): void;
  close(): Promise<void>;
}

export async function startHuaweiSimulator(opts: HuaweiSimulatorOptions = {}): Promise<HuaweiSimulator> {
  const clock = new SimClock();
  const iamState = new IamState(clock);

  const sim: Omit<
    HuaweiSimulator,
    'url' | 'requestLog' | 'requests' | 'counters' | 'inject' | 'clearFaults' | 'close'
  > = {
    clock,
    iam: {
      state: iamState,
      seedUser: (seed) => {
        const u = iamState.seedUser(seed);
        return { userId: u.userId, domainId: u.domainId };
      },
      seedAccessKey: ({ ak, sk, userId }) => iamState.seedAccessKey(ak, sk, userId),
      seedProject: ({ projectId, domainName, name }) => iamState.seedProject(projectId, domainName, name),
      setPasswordPolicy: (domainName, policy) => Object.assign(iamState.domain(domainName).passwordPolicy, policy),
      setLoginPolicy: (domainName, policy) => Object.assign(iamState.domain(domainName).loginPolicy, policy),
      expireTokens: (userId) => {
        for (const rec of iamState.tokens.values()) if (!userId || rec.userId === userId) rec.expiresAt = clock.now();
      },
      livePassword: (userId) => iamState.users.get(userId)?.password,
    },
    livePassword: (kind, id) => {
      if (kind === 'huawei-iam-user') return iamState.users.get(id)?.password;
      return undefined;
    },
  };

  const routes = [...iamRoutes(iamState, clock)];
  let dispatcher: ReturnType<typeof makeDispatcher> | undefined;
  const admin = simAdmin({
    clock,
    faults: () => dispatcher!.faults,
    requestLog: () => dispatcher!.requestLog,
    counters: () => Object.fromEntries(dispatcher!.counters),
    seed: { iamUser: (s) => sim.iam.seedUser(s) },
  });
  dispatcher = makeDispatcher(routes, admin, () => clock.now());
  const d = dispatcher;
  const server = d.server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;

  return {
    ...sim,
    url: `http://${host}:${addr.port}`,
    requestLog: d.requestLog,
    requests: (route) => d.requestLog.filter((r) => r.route === route),
    counters: () => Object.fromEntries(d.counters),
    inject: (fault) => void d.faults.push({ ...fault }),
    clearFaults: () => void d.faults.splice(0),
    close: () =>
      new Promise<void>((resolve) => {
        // Hanging requests (the `hang` fault) would keep the server open forever otherwise.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
