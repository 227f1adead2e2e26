import { randomUUID } from 'node:crypto';
import { connectors, descriptorOf } from '../../../src/connectors/registry.js';
import type { ConnectorKind } from '../../../src/connectors/registry.js';
import { resolvedFor, type Connector, type ConnectorCapabilities } from '../../../src/connectors/types.js';
import type { HuaweiSimulator } from '../../../src/dev/huaweiSimulator.js';
import type { Logger } from '../../../src/observability/logger.js';
import { httpExampleTarget } from '../../helpers/httpExamples.js';

/** Fast transport settings: the suite never waits long for anything. */
export const fastHttp = { connectTimeoutMs: 1000, responseTimeoutMs: 400, ratePerSecond: 1000, rateBurst: 1000 };

export interface SeededTarget {
  /** The id `sim.livePassword(kind, id)` takes. */
  liveId: string;
  config: Record<string, unknown>;
  credentials: Record<string, Record<string, string>>;
  /** Expires every token the target's logins produced (user's or operator's). */
  expireTokens(): void;
}

/** What the conformance suite needs to know about one kind. */
export interface KindFixture {
  kind: ConnectorKind;
  /** How the suite names it (the kind, unless one kind has several fixtures). */
  label?: string;
  oldPassword: string;
  newPassword: string;
  /** A password the target's own rules refuse. */
  weakPassword: string;
  /** The route of the password logins that cost lockout strikes. */
  loginRoute: string;
  changeRoute: string;
  /** The change call needs the old password (false: an admin reset). */
  usesOldPassword: boolean;
  /** Seeds a fresh account; `wrongLogin` makes its login credential wrong (CBH: the operator's). */
  seed(sim: HuaweiSimulator, opts?: { wrongLogin?: boolean; extra?: Record<string, unknown> }): SeededTarget;
}

const common = (sim: HuaweiSimulator, id: string, extra: Record<string, unknown> = {}) => ({
  id,
  endpoint: sim.url,
  secretPath: `test/${id}`,
  http: { ...fastHttp, ...(extra.http as object | undefined) },
  ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'http')),
});

const short = () => randomUUID().slice(0, 8);

export const iamFixture: KindFixture = {
  kind: 'huawei-iam-user',
  oldPassword: 'Old-Passw0rd!x',
  newPassword: 'Fresh-Passw0rd#7',
  weakPassword: 'Sh0rt!',
  loginRoute: 'iam.token',
  changeRoute: 'iam.changePassword',
  usesOldPassword: true,
  seed(sim, opts = {}) {
    const n = short();
    const { userId } = sim.iam.seedUser({
      userId: `u${n}`,
      userName: `user${n}`,
      domainName: 'acme',
      password: this.oldPassword,
    });
    return {
      liveId: userId,
      config: {
        ...common(sim, `iam-${n}`, opts.extra),
        kind: this.kind,
        userId,
        userName: `user${n}`,
        domainName: 'acme',
      },
      credentials: {},
      expireTokens: () => sim.iam.expireTokens(userId),
    };
  },
};

export const meetingFixture: KindFixture = {
  kind: 'huawei-meeting-user',
  oldPassword: 'Old-Passw0rd!x',
  newPassword: 'Fresh-Passw0rd#7',
  weakPassword: 'abcdefgh',
  loginRoute: 'meeting.accountAuth',
  changeRoute: 'meeting.changePassword',
  usesOldPassword: true,
  seed(sim, opts = {}) {
    const account = `user${short()}@acme.com`;
    sim.meeting.seedAccount({ account, password: this.oldPassword });
    return {
      liveId: account,
      config: { ...common(sim, `meeting-${account.split('@')[0]!}`, opts.extra), kind: this.kind, account },
      credentials: {},
      expireTokens: () => sim.meeting.expireTokens(account),
    };
  },
};

export const cbhFixture: KindFixture = {
  kind: 'huawei-cbh-admin',
  oldPassword: 'Old-Passw0rd!x',
  newPassword: 'Fresh-Passw0rd#7',
  weakPassword: 'abcdefgh',
  loginRoute: 'iam.token',
  changeRoute: 'cbh.changePassword',
  usesOldPassword: false,
  seed(sim, opts = {}) {
    const n = short();
    const serverId = randomUUID();
    const projectId = `proj${n}`;
    const { userId } = sim.iam.seedUser({ userName: `op${n}`, domainName: 'acme-cbh', password: 'Operator-Pa55!' });
    sim.cbh.seedInstance({ serverId, projectId, domainName: 'acme-cbh', adminPassword: this.oldPassword });
    const password = opts.wrongLogin ? 'Not-The-Pa55!' : 'Operator-Pa55!';
    return {
      liveId: serverId,
      config: {
        ...common(sim, `cbh-${n}`, opts.extra),
        kind: this.kind,
        iamEndpoint: sim.url,
        projectId,
        serverId,
        operator: `op-${n}`,
      },
      credentials: { [`op-${n}`]: { userName: `op${n}`, password, domainName: 'acme-cbh' } },
      expireTokens: () => sim.iam.expireTokens(userId),
    };
  },
};

/** An `http` target from config/examples/: the config a user drops in, pointed at the simulator. */
const httpExample = (
  sim: HuaweiSimulator,
  id: string,
  target: Record<string, unknown>,
  extra?: Record<string, unknown>,
) => ({
  ...target,
  ...common(sim, id, extra),
});

/** config/examples/http-huawei-meeting.yaml: Meeting's steps written as a `kind: http` target. */
export const httpMeetingFixture: KindFixture = {
  ...meetingFixture,
  kind: 'http',
  label: 'http (config/examples/http-huawei-meeting.yaml)',
  loginRoute: 'meeting.accountAuth',
  changeRoute: 'meeting.changePassword',
  seed(sim, opts = {}) {
    const account = `user${short()}@acme.com`;
    sim.meeting.seedAccount({ account, password: this.oldPassword });
    const env = {
      HTTP_EXAMPLE_ENDPOINT: sim.url,
      HTTP_EXAMPLE_SECRET_PATH: `test/${account}`,
      HTTP_EXAMPLE_ACCOUNT: account,
    };
    return {
      liveId: account,
      config: httpExample(sim, `http-meeting-${account.split('@')[0]!}`, httpExampleTarget('meeting', env), opts.extra),
      credentials: {},
      expireTokens: () => sim.meeting.expireTokens(account),
    };
  },
};

/** config/examples/http-huawei-iam.yaml: IAM's steps written as a `kind: http` target. */
export const httpIamFixture: KindFixture = {
  ...iamFixture,
  kind: 'http',
  label: 'http (config/examples/http-huawei-iam.yaml)',
  seed(sim, opts = {}) {
    const n = short();
    const { userId } = sim.iam.seedUser({
      userId: `u${n}`,
      userName: `user${n}`,
      domainName: 'acme',
      password: this.oldPassword,
    });
    const env = {
      HTTP_EXAMPLE_ENDPOINT: sim.url,
      HTTP_EXAMPLE_SECRET_PATH: `test/${userId}`,
      HTTP_EXAMPLE_USER_ID: userId,
      HTTP_EXAMPLE_USER_NAME: `user${n}`,
      HTTP_EXAMPLE_DOMAIN: 'acme',
    };
    return {
      liveId: userId,
      config: httpExample(sim, `http-iam-${n}`, httpExampleTarget('iam', env), opts.extra),
      credentials: {},
      expireTokens: () => sim.iam.expireTokens(userId),
    };
  },
};

/** One fixture per kind of the registry: a kind added without its fixture does not compile. */
const fixturesByKind: Record<ConnectorKind, KindFixture> = {
  'huawei-iam-user': iamFixture,
  'huawei-meeting-user': meetingFixture,
  'huawei-cbh-admin': cbhFixture,
  http: httpMeetingFixture,
};

/** Every fixture: one per kind, and the second example of the http kind. */
export const fixtures: KindFixture[] = [...Object.values(fixturesByKind), httpIamFixture];

/** Builds the connector the way rotor does: parse the target with its kind's schema, then create. */
export function connect(kind: ConnectorKind, seeded: SeededTarget, logger: Logger): Connector {
  const descriptor = descriptorOf(connectors, kind);
  if (!descriptor) throw new Error(`no connector for ${kind}`);
  const target = descriptor.targetSchema.parse(seeded.config);
  return descriptor.create(target, {
    logger,
    readCredential: async (name) => {
      const c = seeded.credentials[name];
      if (!c) throw new Error(`no credential ${name}`);
      return c;
    },
  });
}

/** What the seeded target can do: its kind's capabilities, or its own (an http target's `verify`, `idempotent`). */
export function capabilitiesOf(kind: ConnectorKind, seeded: SeededTarget): ConnectorCapabilities {
  const descriptor = descriptorOf(connectors, kind);
  if (!descriptor) throw new Error(`no connector for ${kind}`);
  return resolvedFor(descriptor, descriptor.targetSchema.parse(seeded.config)).capabilities;
}
