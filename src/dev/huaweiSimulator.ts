import type { AddressInfo } from 'node:net';
import type { ConnectorKind } from '../connectors/registry.js';
import { simAdmin } from './huawei/admin.js';
import { CbhSim, type SeedCbhInstance } from './huawei/cbh.js';
import { SimClock } from './huawei/clock.js';
import { strictDocsFromEnv } from './huawei/codes.js';
import { iamRoutes } from './huawei/iamRoutes.js';
import { IamState, type IamLoginPolicy, type IamPasswordPolicy, type SeedIamUser } from './huawei/iamState.js';
import { MeetingSim, type SeedMeetingAccount } from './huawei/meeting.js';
import { makeDispatcher } from './huawei/server.js';
import type { SimFault, SimRequestRecord } from './huawei/types.js';

export type { ReplyFault, SimFault, SimFaultKind, SimRequestRecord } from './huawei/types.js';
export { iamActions, strictDocsFromEnv } from './huawei/codes.js';
export type { IamPasswordPolicy, IamLoginPolicy, SeedIamUser } from './huawei/iamState.js';
export type { SeedMeetingAccount } from './huawei/meeting.js';
export type { SeedCbhInstance } from './huawei/cbh.js';

export interface HuaweiSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /**
   * Answer only what each API's page documents: refusals with undocumented codes come in the API's
   * most generic documented form (see src/dev/huawei/codes.ts). Default: `ROTOR_SIM_STRICT_DOCS`.
   */
  strictDocs?: boolean;
  /**
   * API Gateway throttling: more than this many API requests within a second are answered with the
   * documented 429 (`APIG.0308`). Default: none.
   */
  rateLimit?: { perSecond: number };
}

/**
 * A stand-in for the Huawei Cloud APIs rotor calls (IAM, Meeting, CBH) on one plain HTTP server,
 * answering with the documented shapes and status codes. Seeding, faults and the clock are driven
 * through this object or through the admin API under `/__sim/` on the same server.
 */
export interface HuaweiSimulator {
  url: string;
  /** Whether this simulator answers in strict-docs mode. */
  strictDocs: boolean;
  /** Cooldowns, token expiry and lockouts read this clock: `clock.advance(ms)` instead of sleeping. */
  clock: SimClock;
  iam: {
    state: IamState;
    seedUser(seed: SeedIamUser): { userId: string; domainId: string };
    seedAccessKey(args: { ak: string; sk: string; userId: string }): void;
    seedProject(args: { projectId: string; domainName: string; name?: string }): void;
    setPasswordPolicy(domainName: string, policy: Partial<IamPasswordPolicy>): void;
    setLoginPolicy(domainName: string, policy: Partial<IamLoginPolicy>): void;
    /** Grants an IAM action (e.g. `iamActions.getPasswordPolicy`) to an ordinary user. */
    grant(userId: string, action: string): void;
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
    /** Locks the account (account auth answers 423) for `ms`, default the login policy's 15 minutes. */
    lock(account: string, ms?: number): void;
    unlock(account: string): void;
    /** Disables the account (account auth answers 412), or enables it again. */
    setDisabled(account: string, disabled: boolean): void;
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
  const strictDocs = opts.strictDocs ?? strictDocsFromEnv();
  const clock = new SimClock();
  const iamState = new IamState(clock);
  const meeting = new MeetingSim(clock, strictDocs);
  const cbh = new CbhSim(iamState, clock, strictDocs);

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
    grant: (userId, action) => {
      const user = iamState.users.get(userId);
      if (!user) throw new Error(`no IAM user ${JSON.stringify(userId)}`);
      user.permissions.add(action);
    },
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
    lock: (account, ms) => meeting.lock(account, ms),
    unlock: (account) => meeting.unlock(account),
    setDisabled: (account, disabled) => meeting.setDisabled(account, disabled),
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
    // An http target described after a Huawei API: its account is a Meeting account or an IAM user.
    http: (id) => meetingApi.livePassword(id) ?? iam.livePassword(id),
  };

  const routes = [...iamRoutes(iamState, clock, strictDocs), ...meeting.routes(), ...cbh.routes()];
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
        control: meetingControls(meetingApi),
      }),
    () => clock.now(),
    opts.rateLimit,
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
    strictDocs,
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

/** `POST /__sim/control/{name}`: lock, unlock, disable or enable a Meeting account from outside. */
function meetingControls(meeting: HuaweiSimulator['meeting']): Record<string, (body: unknown) => unknown> {
  const args = (body: unknown): { account: string; ms?: number } => {
    const b = body as { account?: unknown; ms?: unknown } | undefined;
    if (typeof b?.account !== 'string') throw new Error('expected {"account": "<Meeting account>"}');
    if (b.ms !== undefined && typeof b.ms !== 'number') throw new Error('ms must be a number of milliseconds');
    return { account: b.account, ms: b.ms };
  };
  return {
    'meeting-lock': (body) => {
      const { account, ms } = args(body);
      meeting.lock(account, ms);
    },
    'meeting-unlock': (body) => meeting.unlock(args(body).account),
    'meeting-disable': (body) => meeting.setDisabled(args(body).account, true),
    'meeting-enable': (body) => meeting.setDisabled(args(body).account, false),
  };
}
