import { Queue } from 'bullmq';
import type { Command } from 'commander';
import { loadConfig } from '../../config/loadConfig.js';
import { makeLogger } from '../../observability/logger.js';
import { makeRedisClient, redisSettingsOf } from '../../queue/cluster.js';
import type { RotationQueue } from '../../queue/enqueueRotation.js';
import { rotateQueueName } from '../../queue/names.js';
import { scheduleQueueName } from '../../queue/scheduleNames.js';
import { schedulingOf } from '../../scheduling/startScheduler.js';
import { readStatus, type TargetStatusRow } from '../../scheduling/statusReport.js';
import type { ScheduleQueue } from '../../scheduling/syncSchedules.js';
import { CliExit, exitCodes } from '../exitCodes.js';
import type { GlobalOptions } from '../globals.js';
import { checkRedis, openVault } from '../open.js';
import { withResources } from '../resources.js';

export function registerStatusCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('status')
    .description('per target: last success (from Vault), age, next due, state')
    .argument('[id]', 'one target')
    .option('--json', 'JSON (the default when stdout is not a terminal)')
    .action(async (id: string | undefined, flags: { json?: boolean }) => {
      const config = await loadConfig(globals().configPath);
      const targets = id ? config.targets.filter((t) => t.id === id) : config.targets;
      if (id && targets.length === 0) throw new CliExit(exitCodes.usage, `status: no target "${id}" in the config`);
      const logger = makeLogger({ destination: process.stderr, level: process.env.ROTOR_LOG_LEVEL ?? 'warn' });
      await checkRedis(config);
      await withResources(async (resources) => {
        // Vault first: a refused token or an unreachable Vault ends the command before any Redis client exists.
        const store = await openVault(resources, config, logger);
        const settings = redisSettingsOf(config.redis);
        // A status command should fail, not hang, when Redis goes away.
        const redis = resources.add(makeRedisClient(settings, { maxRetriesPerRequest: 1 }), (r) =>
          r.quit().catch(() => r.disconnect()),
        );
        const rotateQueue: RotationQueue = resources.add(
          new Queue(rotateQueueName, { connection: redis, prefix: settings.prefix }),
          (q) => q.close(),
        );
        const scheduleQueue: ScheduleQueue = resources.add(
          new Queue(scheduleQueueName, { connection: redis, prefix: settings.prefix }),
          (q) => q.close(),
        );
        const rows = await readStatus({
          targets,
          store,
          redis,
          prefix: settings.prefix,
          rotateQueue,
          scheduleQueue,
          scheduling: schedulingOf(config),
        });
        if (flags.json === true || process.stdout.isTTY !== true) {
          process.stdout.write(`${JSON.stringify(id ? rows[0] : rows)}\n`);
        } else process.stdout.write(renderTable(rows));
      });
    });
}

/** "3d 4h", "12m", "40s": the two largest units. */
export function formatAge(ms: number | undefined): string {
  if (ms === undefined) return '-';
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  const parts: string[] = [];
  let rest = Math.max(0, ms);
  for (const [name, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0 || (parts.length === 0 && name === 's')) parts.push(`${n}${name}`);
    rest -= n * size;
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

export function renderTable(rows: TargetStatusRow[]): string {
  const header = ['TARGET', 'KIND', 'STATE', 'LAST SUCCESS', 'AGE', 'MAX AGE', 'NEXT DUE', 'NOTE'];
  const now = Date.now();
  const lines = rows.map((r) => [
    r.targetId,
    r.kind,
    r.state,
    r.lastSuccess?.replace(/\.\d+Z$/, 'Z') ?? '-',
    formatAge(r.ageMs),
    formatAge(r.maxAgeMs),
    r.nextDue ? (Date.parse(r.nextDue) <= now + 1000 ? 'now' : `in ${formatAge(Date.parse(r.nextDue) - now)}`) : '-',
    r.lastError ? r.lastError.slice(0, 60) : r.job && r.job.state !== 'completed' ? `job ${r.job.state}` : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const fmt = (cells: string[]) =>
    `${cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd()}\n`;
  return fmt(header) + lines.map(fmt).join('');
}
