import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import type { Logger } from '../observability/logger.js';
import { makeRotor, type Rotor } from '../app/makeRotor.js';
import type { RotateProcessor } from '../queue/rotateJob.js';
import { configSchema, type RotorConfig } from '../config/schema.js';
import { rotateQueueName, rotationJobId, rotationJobOptions } from '../queue/names.js';
import { startRotationWorker } from '../queue/startWorker.js';
import { assertRedisReachable, makeConnectionSet } from '../queue/redis.js';
import { deleteKeysWithPrefix } from '../queue/cleanup.js';
import { startHuaweiSimulator } from './huaweiSimulator.js';
import { startVaultEmulator } from './vaultEmulator.js';

export interface DemoResult {
  ok: boolean;
  targetId: string;
  versionBefore: number;
  versionAfter: number;
  passwordChanged: boolean;
  inSync: boolean;
}

const demoUser = { userId: 'd3m0a11ce0000000000000000000001', userName: 'alice', domainName: 'acme' };

/**
 * The embedded default: an in-process Huawei IAM simulator and Vault emulator on free loopback
 * ports, one seeded IAM user, real Redis under a private key prefix (removed at the end), one
 * rotation through BullMQ — then a check that Vault holds the password that is live on the target.
 */
export async function runDemo(opts: {
  redisUrl: string;
  logger: Logger;
  /** The `rotate` queue's processor (`jobs/rotate.ts`), handed in by the CLI's composition root. */
  rotateProcessor: (rotor: Rotor) => RotateProcessor;
  print: (line: string) => void;
}): Promise<DemoResult> {
  const { redisUrl, logger, print } = opts;
  await assertRedisReachable(redisUrl);
  const sim = await startHuaweiSimulator();
  const vault = await startVaultEmulator();
  const prefix = `rotor-demo-${randomUUID().slice(0, 8)}`;
  const connections = makeConnectionSet(redisUrl);
  const connection = connections.create();
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    // A first password as an operator would have set it by hand; Vault gets a copy to start from.
    const initialPassword = `Init-${randomUUID()}`;
    sim.iam.seedUser({ ...demoUser, password: initialPassword });
    const config: RotorConfig = configSchema.parse({
      redis: { url: redisUrl, prefix },
      vault: { address: vault.url, auth: { method: 'token', token: vault.rootToken } },
      worker: { concurrency: 1 },
      policies: {
        strong: {
          length: 24,
          lower: 2,
          upper: 2,
          digits: 2,
          special: 2,
          specialChars: '!@#$%^&*-_=+',
          exclude: 'lIO0',
        },
      },
      targets: [
        {
          id: 'iam-alice',
          kind: 'huawei-iam-user',
          endpoint: sim.url,
          ...demoUser,
          secretPath: 'huawei/iam/alice',
          policy: 'strong',
          // An ordinary IAM user may not read its account's password policy: the config says it instead.
          accountPolicy: { minimumPasswordLength: 8, passwordCharCombination: 3, minimumPasswordAge: 0 },
        },
      ],
    });
    const rotor = await makeRotor(config, logger);
    cleanups.push(() => rotor.close());
    await rotor.store.promote('huawei/iam/alice', {
      password: initialPassword,
      cas: 0,
      rotationId: 'seed',
      targetId: 'iam-alice',
      rotatedAt: new Date(),
    });
    const before = await rotor.store.readSecret('huawei/iam/alice');
    print(
      `seeded IAM user ${demoUser.userName}@${demoUser.domainName} and Vault secret huawei/iam/alice (version ${before?.version})`,
    );

    const queue = new Queue(rotateQueueName, { connection, prefix });
    const events = new QueueEvents(rotateQueueName, { connection: connections.create(), prefix });
    const worker = await startRotationWorker(rotor, opts.rotateProcessor(rotor), { concurrency: 1 });
    cleanups.push(
      () => worker.close(10_000),
      () => events.close(),
      () => queue.close(),
    );
    await events.waitUntilReady();

    const job = await queue.add(
      'rotate',
      { targetId: 'iam-alice', reason: 'demo', requestedBy: 'cli:demo' },
      { ...rotationJobOptions, jobId: rotationJobId('iam-alice') },
    );
    print(`enqueued rotation job ${job.id} on ${prefix}:${rotateQueueName}`);
    await job.waitUntilFinished(events, 30_000);

    const after = await rotor.store.readSecret('huawei/iam/alice');
    const live = sim.iam.livePassword(demoUser.userId);
    const result: DemoResult = {
      ok: false,
      targetId: 'iam-alice',
      versionBefore: before?.version ?? 0,
      versionAfter: after?.version ?? 0,
      passwordChanged: live !== initialPassword,
      inSync: after?.password === live,
    };
    result.ok = result.passwordChanged && result.inSync && result.versionAfter === result.versionBefore + 1;
    print(
      result.ok
        ? `rotated iam-alice: the simulator's live password changed and equals Vault's (version ${result.versionBefore} -> ${result.versionAfter}); the old one is kept as version ${result.versionBefore}`
        : `rotation FAILED: passwordChanged=${result.passwordChanged} inSync=${result.inSync} versions ${result.versionBefore} -> ${result.versionAfter}`,
    );
    return result;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    await deleteKeysWithPrefix(connection, `${prefix}:`);
    await connections.closeAll();
    await sim.close();
    await vault.close();
  }
}
