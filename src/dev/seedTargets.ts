import { randomBytes, randomUUID } from 'node:crypto';
import type { RotorConfig, TargetConfig } from '../config/schema.js';
import type { ConnectorKind } from '../connectors/registry.js';
import { effectivePolicy } from '../connectors/kindPolicy.js';
import { generatePassword } from '../policy/index.js';
import type { HuaweiSimulator } from './huaweiSimulator.js';

/** Writes one KV v2 secret (below the mount); returns nothing secret. */
export type SecretWriter = (secretPath: string, data: Record<string, string>) => Promise<void>;

const initialPassword = (kind: string) => generatePassword(effectivePolicy({ kind, configured: { length: 16 } }));

/**
 * Creates, in the simulator, the account behind every configured target with a fresh password,
 * and stores that password (and any operator credential a target needs) through `put` — the state
 * an operator starts from after seeding Vault by hand. Nothing is printed or returned.
 */
export async function seedTargets(sim: HuaweiSimulator, config: RotorConfig, put: SecretWriter): Promise<void> {
  const seededCredentials = new Set<string>();
  const credential = async (name: string, make: () => Record<string, string>): Promise<void> => {
    if (seededCredentials.has(name)) return;
    seededCredentials.add(name);
    const ref = config.credentials[name];
    if (ref) await put(ref.secretPath, make());
  };
  const context: SeedContext = { sim, put, credential };
  for (const target of config.targets) {
    await (seeders[target.kind] as Seeder<TargetConfig>)(target, context);
  }
}

interface SeedContext {
  sim: HuaweiSimulator;
  put: SecretWriter;
  /** Stores an operator credential once per name, made by `make` (which also seeds the simulator). */
  credential(name: string, make: () => Record<string, string>): Promise<void>;
}

type Seeder<Target> = (target: Target, ctx: SeedContext) => Promise<void>;

/** How each kind's account is created in the simulator: a kind added without one does not compile. */
const seeders: { [Kind in ConnectorKind]: Seeder<Extract<TargetConfig, { kind: Kind }>> } = {
  'huawei-iam-user': async (target, { sim, put, credential }) => {
    const password = initialPassword(target.kind);
    sim.iam.seedUser({
      userId: target.userId,
      userName: target.userName,
      domainName: target.domainName,
      password,
      email: target.email,
      mobile: target.mobile,
    });
    await put(target.secretPath, { password });
    if (target.adminCredential) {
      await credential(target.adminCredential, () => {
        const admin = { userName: `admin-${randomUUID().slice(0, 8)}`, password: initialPassword(target.kind) };
        // In the admin group: every IAM action, so it may reset users and read the account
        // password policy (iam:securitypolicies:getPasswordPolicy). The rotated user gets neither.
        sim.iam.seedUser({ ...admin, domainName: target.domainName, admin: true });
        return { ...admin, domainName: target.domainName };
      });
    }
  },
  'huawei-meeting-user': async (target, { sim, put, credential }) => {
    const password = initialPassword(target.kind);
    sim.meeting.seedAccount({ account: target.account, password });
    await put(target.secretPath, { password });
    if (target.auth.method === 'app') {
      await credential(target.auth.credential, () => {
        const app = { appId: randomBytes(8).toString('hex'), appKey: randomBytes(24).toString('hex') };
        sim.meeting.seedApp(app);
        return app;
      });
    }
  },
  // The simulator stands behind http targets described after its APIs (config/examples/http-huawei-*.yaml):
  // `vars.account` names a Meeting account, `vars.userId`/`userName`/`domainName` an IAM user.
  http: async (target, { sim, put }) => {
    const { account, userId, userName, domainName } = target.vars;
    if (account !== undefined) {
      const password = initialPassword('huawei-meeting-user');
      sim.meeting.seedAccount({ account, password });
      await put(target.secretPath, { password });
    } else if (userId !== undefined && userName !== undefined && domainName !== undefined) {
      const password = initialPassword('huawei-iam-user');
      sim.iam.seedUser({ userId, userName, domainName, password });
      await put(target.secretPath, { password });
    } else {
      throw new Error(
        `target ${target.id}: the simulator seeds http targets described after Meeting (vars.account) or IAM (vars.userId, userName, domainName) only`,
      );
    }
  },
  'huawei-cbh-admin': async (target, { sim, put, credential }) => {
    const domainName = `cbh-${target.operator}`;
    sim.iam.seedProject({ projectId: target.projectId, domainName });
    const adminPassword = initialPassword(target.kind);
    sim.cbh.seedInstance({ serverId: target.serverId, projectId: target.projectId, domainName, adminPassword });
    await put(target.secretPath, { password: adminPassword });
    await credential(target.operator, () => {
      const { userId } = sim.iam.seedUser({
        userName: `op-${target.operator}`,
        domainName,
        password: initialPassword('huawei-iam-user'),
      });
      const keys = { ak: randomBytes(10).toString('hex').toUpperCase(), sk: randomBytes(20).toString('hex') };
      sim.iam.seedAccessKey({ ...keys, userId });
      return keys;
    });
  },
};
