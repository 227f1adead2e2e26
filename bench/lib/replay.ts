import vault from 'node-vault';
import type { IamUserTarget } from '../../src/connectors/huawei-iam-user/schema.js';
import { HuaweiHttp, type HuaweiCall } from '../../src/connectors/huawei/http.js';
import { huaweiHttpSettingsSchema } from '../../src/connectors/huawei/settings.js';
import { silentLogger } from '../../src/observability/logger.js';
import { generatePassword } from '../../src/policy/index.js';
import { effectivePolicy } from '../../src/connectors/kindPolicy.js';
import { startWindow } from './main.js';
import { strongPolicy, unlimited } from './targets.js';

/**
 * The floor a rotation cannot go below: the HTTP requests an IAM rotation sends, in the same order,
 * with rotor's own clients (HuaweiHttp on got for the simulator, node-vault configured as rotor
 * configures it for Vault) — and nothing else: no queue, no lock, no audit, no status, no checks.
 * Each call is the one rotor makes (see the calls benchmark), so `calls / s` of this loop is the
 * `a` of the efficiency formula.
 */
export interface ReplayResult {
  rotations: number;
  calls: number;
  huaweiCalls: number;
  vaultCalls: number;
  seconds: number;
  /** Share of the timed window this process's event loop was busy rather than waiting (0–1). */
  eventLoopUtilization: number;
}

interface VaultRead {
  data: { data: Record<string, string>; metadata: { version: number } };
}

export interface ReplayOptions {
  vaultUrl: string;
  vaultToken: string;
  mount?: string;
  statePrefix?: string;
}

/** A replayer: `rotate(target)` sends one IAM rotation's calls; the counters say how many were sent. */
export function makeIamReplayer(args: ReplayOptions) {
  const mount = args.mount ?? 'secret';
  const statePrefix = args.statePrefix ?? 'rotor/state';
  const client = vault({
    apiVersion: 'v1',
    endpoint: args.vaultUrl,
    token: args.vaultToken,
    noCustomHTTPVerbs: true,
    requestOptions: { timeout: 10_000, strictSSL: true },
  });
  const settings = huaweiHttpSettingsSchema.parse(unlimited);
  const https = new Map<string, HuaweiHttp>();
  const httpFor = (endpoint: string) => {
    let h = https.get(endpoint);
    if (!h) {
      h = new HuaweiHttp({ endpoint, insecureSkipVerify: false, settings, logger: silentLogger });
      https.set(endpoint, h);
    }
    return h;
  };
  const policy = effectivePolicy({ policyName: 'strong', configured: strongPolicy, kind: 'huawei-iam-user' });
  let huaweiCalls = 0;
  let vaultCalls = 0;
  const policiesRead = new Set<string>();
  const v = {
    read: async (path: string): Promise<VaultRead | undefined> => {
      vaultCalls += 1;
      try {
        return (await client.read(path)) as VaultRead;
      } catch (err) {
        if ((err as { response?: { statusCode?: number } }).response?.statusCode === 404) return undefined;
        throw err;
      }
    },
    write: async (path: string, body: unknown): Promise<unknown> => {
      vaultCalls += 1;
      return (await client.write(path, body)) as unknown;
    },
    delete: async (path: string): Promise<void> => {
      vaultCalls += 1;
      await client.delete(path);
    },
  };
  const huawei = async (http: HuaweiHttp, call: Omit<HuaweiCall, 'secrets'>) => {
    huaweiCalls += 1;
    return http.send({ ...call, secrets: [] });
  };
  const login = async (http: HuaweiHttp, t: IamUserTarget, password: string) => {
    const reply = await huawei(http, {
      name: 'iam.token',
      method: 'POST',
      path: '/v3/auth/tokens?nocatalog=true',
      contentType: 'application/json;charset=utf8',
      json: {
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: t.userName, password, domain: { name: t.domainName } } },
          },
          scope: { domain: { name: t.domainName } },
        },
      },
      mutating: false,
    });
    const token = reply.headers['x-subject-token'];
    if (reply.status !== 201 || typeof token !== 'string') throw new Error(`replay: login ${reply.status}`);
    const domainId = (reply.body as { token?: { user?: { domain?: { id?: string } } } }).token?.user?.domain?.id;
    return { token, domainId: domainId ?? '' };
  };

  async function rotate(t: IamUserTarget): Promise<void> {
    const http = httpFor(t.endpoint);
    const secretData = `${mount}/data/${t.secretPath}`;
    const secretMeta = `${mount}/metadata/${t.secretPath}`;
    const pendingData = `${mount}/data/${statePrefix}/${t.id}`;
    const pendingMeta = `${mount}/metadata/${statePrefix}/${t.id}`;
    // load: the secret and (absent) pending record
    const current = await v.read(secretData);
    if (!current) throw new Error(`replay: no secret at ${secretData}`);
    const oldPassword = current.data.data.password ?? '';
    const version = current.data.metadata.version;
    await v.read(pendingData);
    // prepare: log in with the stored password (also the token of the change); the account policy is
    // read once per endpoint and domain, as rotor caches it
    const { token, domainId } = await login(http, t, oldPassword);
    const policyScope = `${t.endpoint}|${t.domainName}`;
    if (!policiesRead.has(policyScope)) {
      policiesRead.add(policyScope);
      await huawei(http, {
        name: 'iam.passwordPolicy',
        method: 'GET',
        path: `/v3.0/OS-SECURITYPOLICY/domains/${encodeURIComponent(domainId)}/password-policy`,
        headers: { 'X-Auth-Token': token },
        mutating: false,
      });
    }
    const newPassword = generatePassword(policy);
    await v.write(pendingData, { options: { cas: 0 }, data: { password: newPassword, rotation_id: 'replay' } });
    // commit, verify
    const change = await huawei(http, {
      name: 'iam.changePassword',
      method: 'POST',
      path: `/v3/users/${encodeURIComponent(t.userId)}/password`,
      headers: { 'X-Auth-Token': token },
      contentType: 'application/json;charset=utf8',
      json: { user: { password: newPassword, original_password: oldPassword } },
      mutating: true,
    });
    if (change.status !== 204) throw new Error(`replay: change ${change.status}`);
    await login(http, t, newPassword);
    // finalize: the cas write (other fields as read at load), the metadata stamp, the pending record's removal
    await v.write(secretData, { options: { cas: version }, data: { ...current.data.data, password: newPassword } });
    await v.write(secretMeta, { custom_metadata: { rotated_at: new Date().toISOString(), rotor_target: t.id } });
    await v.delete(pendingMeta);
  }

  return { rotate, counts: () => ({ huaweiCalls, vaultCalls }) };
}

/** Replays one rotation of each target with `concurrency` in flight; timed from first to last call. */
export async function replayIamRotations(
  args: ReplayOptions & { targets: IamUserTarget[]; concurrency: number },
): Promise<ReplayResult> {
  const replayer = makeIamReplayer(args);
  const queue = [...args.targets];
  const endWindow = startWindow();
  await Promise.all(
    Array.from({ length: args.concurrency }, async () => {
      for (let t = queue.shift(); t; t = queue.shift()) await replayer.rotate(t);
    }),
  );
  const { ms, eventLoopUtilization } = endWindow();
  const { huaweiCalls, vaultCalls } = replayer.counts();
  return {
    rotations: args.targets.length,
    calls: huaweiCalls + vaultCalls,
    huaweiCalls,
    vaultCalls,
    seconds: ms / 1000,
    eventLoopUtilization,
  };
}
