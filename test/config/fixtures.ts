import { parseConfig } from '../../src/config/loadConfig.js';
import { ConfigError } from '../../src/config/problems.js';

/** A valid config; each broken variant below changes one thing in it. */
export const validConfig = `
redis: { url: "\${ROTOR_REDIS_URL:-redis://127.0.0.1:6379}", prefix: rotor }
vault:
  address: "\${VAULT_ADDR:-http://127.0.0.1:8200}"
  auth: { method: token, token: "\${VAULT_TOKEN}" }
  mount: secret
  statePrefix: rotor/state
worker: { concurrency: 4 }
policies:
  strong: { length: 24, lower: 2, upper: 2, digits: 2, special: 2, specialChars: "!@#$%^&*-_=+", exclude: "lIO0" }
credentials:
  cbh-operator: { secretPath: huawei/operators/cbh }
targets:
  - id: iam-alice
    kind: huawei-iam-user
    endpoint: https://iam.myhuaweicloud.com
    userId: 3f1c0a
    userName: alice
    domainName: acme
    secretPath: huawei/iam/alice
    policy: strong
    schedule: { cron: "0 3 * * 0", tz: UTC }
    maxAge: 90d
  - id: meeting-bob
    kind: huawei-meeting-user
    endpoint: https://api.meeting.huaweicloud.com
    account: bob@acme.com
    secretPath: huawei/meeting/bob
  - id: cbh-prod
    kind: huawei-cbh-admin
    endpoint: https://cbh.cn-north-4.myhuaweicloud.com
    iamEndpoint: https://iam.myhuaweicloud.com
    projectId: 0b5f
    serverId: 6e22aced-2fdb-42e9-9175-4796fbe9fc23
    operator: cbh-operator
    secretPath: huawei/cbh/prod-admin
`;

export const env = { VAULT_TOKEN: 'hvs.test-token-value' };

/** The problems `rotor config validate` would print for `text`, one a line; [] when it is valid. */
export function problemsOf(text: string, environment: NodeJS.ProcessEnv = env): string[] {
  try {
    parseConfig(text, 'config/rotor.yaml', environment);
  } catch (err) {
    if (err instanceof ConfigError) return err.message.split('\n');
    throw err;
  }
  return [];
}
