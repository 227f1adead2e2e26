import type { AddressInfo } from 'node:net';
import type { ConnectorKind } from '../connectors/kinds.js';
import { simAdmin } from './huawei/admin.js';
import { CbhSim, type SeedCbhInstance } from './huawei/cbh.js';
import { SimClock } from './huawei/clock.js';
import { iamRoutes } from './huawei/iamRoutes.js';
import { IamState, type IamLoginPolicy, type IamPasswordPolicy, type SeedIamUser } from './huawei/iamState.js';
import { MeetingSim, type SeedMeetingAccount } from './huawei/meeting.js';
import { makeDispatcher } from './huawei/server.js';
import type { SimFault, SimRequestRecord } from './huawei/types.js';

export type { SimFault, SimFaultKind, SimRequestRecord } from './huawei/types.js';
export type { IamPasswordPolicy, IamLoginPolicy, SeedIamUser } from './huawei/iamState.js';
export type { SeedMeetingAccount } from './huawei/meeting.js';
export type { SeedCbhInstance } from './huawei/cbh.js';

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
  /** Cooldowns, token expiry and lockouts read this clock: `clock.advance(ms)` instead of sleeping. */
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
  meeting: {
    state: MeetingSim;
    seedAccount(seed: SeedMeetingAccount): { account: string; userId: string };
    seedApp(args: { appId: string; appKey: string; corpId?: string }): void;
    expireTokens(account?: string): void;
    livePassword(account: string): string | undefined;
  };
  cbh: {
    state: CbhSim;
    seedInstance(seed: SeedCbhInstance): void;
    livePassword(serverId: string): string | undefined;
  };
  /** The password the target would accept right now: IAM user id, Meeting account, CBH server id. */
  livePassword(kind: ConnectorKind, id: string): string | undefined;
  /** Every password, token and key seeded, set or issued so far: what no log line may contain. */
  secrets(): string[];
  /** Every request, oldest first. */
  requestLog: SimRequestRecord[];
  /** The requests one route received (e.g. `iam.changePassword`). */
  requests(route: string): SimRequestRecord[];
  /** Requests per route id. */
  counters(): Record<string, number>;
  /** Adds a fault; it applies to the next `times` (default 1) matching requests. */
  inject(fault: SimFault): void;
  clearFaults(): void;
  close(): Promise<void>;
}

export async function startHuaweiSimulator(opts: HuaweiSimulatorOptions = {}): Promise<HuaweiSimulator> {
  const clock = new SimClock();
  const iamState = new IamState(clock);
  const meeting = new MeetingSim(clock);
  const cbh = new CbhSim(iamState, clock);

  const iam: HuaweiSimulator['iam'] = {
    state: iamState,
    seedUser: (seed) => {
      const u = iamState.seedUser(seed);
      return { userId: u.userId, domainId: u.domainId };
    },
    seedAccessKey: ({ ak, sk, userId }) => iamState.seedAccessKey(ak, sk, userId),
    seedProject: ({ projectId, domainName, name }) => iamState.seedProject(projectId, domainName, name),
    setPasswordPolicy: (domainName, policy) => void Object.assign(iamState.domain(domainName).passwordPolicy, policy),
    setLoginPolicy: (domainName, policy) => void Object.assign(iamState.domain(domainName).loginPolicy, policy),
    expireTokens: (userId) => {
      for (const rec of iamState.tokens.values()) if (!userId || rec.userId === userId) rec.expiresAt = clock.now();
    },
    livePassword: (userId) => iamState.users.get(userId)?.password,
  };
  const meetingApi: HuaweiSimulator['meeting'] = {
    state: meeting,
    seedAccount: (seed) => {
      const a = meeting.seedAccount(seed);
      return { account: a.account, userId: a.userId };
    },
    seedApp: ({ appId, appKey, corpId }) => meeting.seedApp(appId, appKey, corpId),
    expireTokens: (account) => meeting.expireTokens(account),
    livePassword: (account) => meeting.accounts.get(account)?.password,
  };
  const cbhApi: HuaweiSimulator['cbh'] = {
    state: cbh,
    seedInstance: (seed) => void cbh.seedInstance(seed),
    livePassword: (serverId) => cbh.instances.get(serverId)?.adminPassword,
  };
  const livePasswords: Record<ConnectorKind, (id: string) => string | undefined> = {
    'huawei-iam-user': iam.livePassword,
    'huawei-meeting-user': meetingApi.livePassword,
    'huawei-cbh-admin': cbhApi.livePassword,
  };

  const routes = [...iamRoutes(iamState, clock), ...meeting.routes(), ...cbh.routes()];
  const d = makeDispatcher(
    routes,
    (state) =>
      simAdmin({
        clock,
        faults: () => state.faults,
        requestLog: () => state.requestLog,
        counters: () => Object.fromEntries(state.counters),
        seed: {
          'iam-user': (s: SeedIamUser) => iam.seedUser(s),
          'iam-access-key': (s: { ak: string; sk: string; userId: string }) => iam.seedAccessKey(s),
          'meeting-account': (s: SeedMeetingAccount) => meetingApi.seedAccount(s),
          'meeting-app': (s: { appId: string; appKey: string; corpId?: string }) => meetingApi.seedApp(s),
          'cbh-instance': (s: SeedCbhInstance) => cbhApi.seedInstance(s),
        },
      }),
    () => clock.now(),
  );
  const server = d.server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;

  return {
    url: `http://${host}:${addr.port}`,
    clock,
    iam,
    meeting: meetingApi,
    cbh: cbhApi,
    livePassword: (kind, id) => livePasswords[kind](id),
    secrets: () => [...clock.secrets],
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
