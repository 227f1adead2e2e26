import { Queue } from 'bullmq';
import type { Command } from 'commander';
import { parseDuration } from '../../config/duration.js';
import { loadConfig } from '../../config/loadConfig.js';
import type { RotorConfig, TargetConfig } from '../../config/schema.js';
import { makeRedisClient, redisSettingsOf } from '../../queue/cluster.js';
import { enqueueHeartbeat, waitForHeartbeats, type HeartbeatWaitResult } from '../../queue/heartbeatJob.js';
import { rotateQueueName } from '../../queue/names.js';
import { CliExit, exitCodes } from '../exitCodes.js';
import type { GlobalOptions } from '../globals.js';
import { checkRedis } from '../open.js';
import { withResources } from '../resources.js';
import { cliActor } from './rotate.js';

interface VerifyFlags {
  all?: boolean;
  timeout: string;
  json?: boolean;
}

function selectVerifyTargets(config: RotorConfig, ids: string[], all: boolean): TargetConfig[] {
  if (ids.length > 0 && all) throw new CliExit(exitCodes.usage, 'verify: give target ids or --all, not both');
  if (ids.length === 0 && !all) throw new CliExit(exitCodes.usage, 'verify: name targets: ids or --all');
  if (all) return config.targets;
  const byId = new Map(config.targets.map((t) => [t.id, t]));
  const unknown = ids.filter((id) => !byId.has(id));
  if (unknown.length > 0) {
    throw new CliExit(exitCodes.usage, `verify: no target ${unknown.map((id) => `"${id}"`).join(', ')} in the config`);
  }
  return [...new Set(ids)].map((id) => byId.get(id) as TargetConfig);
}

/** One result as a line: a table row for people, or a JSON object. */
export function describeHeartbeat(r: HeartbeatWaitResult): {
  line: string;
  json: Record<string, unknown>;
  ok: boolean;
} {
  if (r.status === 'done') {
    const o = r.outcome;
    const words: Record<typeof o.result, string> = {
      verified: 'verified: the password Vault holds logs in',
      drifted: 'DRIFTED',
      unverifiable: 'cannot verify',
      skipped: 'skipped',
    };
    const line = `${r.targetId}  ${words[o.result]}${o.message ? `: ${o.message.replace(`target ${r.targetId}: `, '')}` : ''}`;
    // Proven or unprovable by kind; anything else leaves the stored password unproven.
    return { line, json: { ...o }, ok: o.result === 'verified' || o.result === 'unverifiable' };
  }
  if (r.status === 'failed') {
    return {
      line: `${r.targetId}  failed: ${r.error}`,
      json: { targetId: r.targetId, result: 'failed', error: r.error },
      ok: false,
    };
  }
  const line = `${r.targetId}  no result in time (job ${r.state}${r.state === 'waiting' || r.state === 'prioritized' ? ': is a worker running? start rotor worker or rotor run' : ''})`;
  return { line, json: { targetId: r.targetId, result: 'timeout', state: r.state }, ok: false };
}

/**
 * `rotor verify <id...> | --all`: a heartbeat now, through the queue like `rotate` (the workers' rate
 * gates and the target lock apply), and each result as it arrives. Exit 1 unless every target was
 * verified (or is of a kind that cannot be verified).
 */
export function registerVerifyCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('verify')
    .description('heartbeat now: log in once with the password Vault holds; exit 1 if any target drifted')
    .argument('[ids...]', 'target ids')
    .option('--all', 'every configured target')
    .option('--timeout <duration>', 'how long to wait for the results', '60s')
    .option('--json', 'JSON lines output (the default when stdout is not a terminal)')
    .action(async (ids: string[], flags: VerifyFlags) => {
      const timeoutMs = parseDuration(flags.timeout);
      if (timeoutMs === undefined)
        throw new CliExit(exitCodes.usage, `--timeout: expected a duration like 60s, got "${flags.timeout}"`);
      const config = await loadConfig(globals().configPath);
      const targets = selectVerifyTargets(config, ids, flags.all === true);
      await checkRedis(config);
      const json = flags.json === true || process.stdout.isTTY !== true;
      const failed = await withResources(async (resources) => {
        const settings = redisSettingsOf(config.redis);
        const redis = resources.add(makeRedisClient(settings, { maxRetriesPerRequest: 1 }), (r) =>
          r.quit().catch(() => r.disconnect()),
        );
        const queue = resources.add(new Queue(rotateQueueName, { connection: redis, prefix: settings.prefix }), (q) =>
          q.close(),
        );
        const byId = new Map(config.targets.map((t) => [t.id, t]));
        const requestedBy = cliActor();
        const jobs = [];
        for (const t of targets) {
          jobs.push(
            await enqueueHeartbeat({ queue, target: (id) => byId.get(id) }, t.id, {
              requestedBy,
              reason: 'rotor verify',
            }),
          );
        }
        let notOk = 0;
        await waitForHeartbeats(queue, jobs, {
          timeoutMs,
          onResult: (r) => {
            const { line, json: obj, ok } = describeHeartbeat(r);
            if (!ok) notOk += 1;
            process.stdout.write(json ? `${JSON.stringify(obj)}\n` : `${line}\n`);
          },
        });
        return notOk;
      });
      if (failed > 0) throw new CliExit(exitCodes.failure, json ? '' : `${failed} of ${targets.length} not verified`);
    });
}
