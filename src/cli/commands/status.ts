import { Queue } from 'bullmq';
import type { Command } from 'commander';
import { loadConfig } from '../../config/loadConfig.js';
import { renderDeliveries, withDeliveryStates } from '../../events/deliveryStatus.js';
import { makeLogger } from '../../observability/logger.js';
import { makeRedisClient, redisSettingsOf } from '../../queue/cluster.js';
import type { RotationQueue } from '../../queue/enqueueRotation.js';
import { rotateQueueName } from '../../queue/names.js';
import { scheduleQueueName } from '../../queue/scheduleNames.js';
import { schedulingOf } from '../../scheduling/startScheduler.js';
import { noteOf, readStatus, type TargetStatusRow } from '../../scheduling/statusReport.js';
import { formatDuration } from '../../scheduling/waitingNotice.js';
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
        // Who heard of each target's latest event (events: subscribers), for the JSON and `status <id>`.
        const withDeliveries = await withDeliveryStates(rows, redis, settings.prefix);
        if (flags.json === true || process.stdout.isTTY !== true) {
          process.stdout.write(`${JSON.stringify(id ? withDeliveries[0] : withDeliveries)}\n`);
        } else {
          process.stdout.write(renderTable(rows));
          if (id) process.stdout.write(renderDeliveries(withDeliveries[0]?.deliveries ?? []));
        }
      });
    });
}

/** "3d 4h", "12m", "40s": the two largest units; "-" for none. */
export function formatAge(ms: number | undefined): string {
  return ms === undefined ? '-' : formatDuration(ms);
}

/** When the stored password last logged in: `2h ago`; `cannot` for kinds that cannot verify; `-` never. */
function verifiedCell(row: TargetStatusRow, now: number): string {
  if (row.verifiable === false) return 'cannot';
  return row.lastVerified ? `${formatAge(now - Date.parse(row.lastVerified))} ago` : '-';
}

/** A note longer than this many lines ends with "…"; `rotor status <id> --json` has all of it. */
const maxNoteLines = 4;

/**
 * The status table. The NOTE column comes last and is wrapped at word boundaries to the terminal's
 * width (continuation lines start under NOTE), so no phrase is cut in the middle.
 */
export function renderTable(rows: TargetStatusRow[], width = process.stdout.columns || 120): string {
  // The VERIFIED column appears once heartbeats run (or are configured) for any target.
  const verified = rows.some((r) => r.heartbeat !== undefined || r.lastVerified !== undefined);
  const header = [
    'TARGET',
    'KIND',
    'STATE',
    'LAST SUCCESS',
    'AGE',
    'MAX AGE',
    'NEXT DUE',
    ...(verified ? ['VERIFIED'] : []),
  ];
  const now = Date.now();
  const lines = rows.map((r) => [
    r.targetId,
    r.kind,
    r.state,
    r.lastSuccess?.replace(/\.\d+Z$/, 'Z') ?? '-',
    formatAge(r.ageMs),
    formatAge(r.maxAgeMs),
    r.nextDue ? (Date.parse(r.nextDue) <= now + 1000 ? 'now' : `in ${formatAge(Date.parse(r.nextDue) - now)}`) : '-',
    ...(verified ? [verifiedCell(r, now)] : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const noteColumn = widths.reduce((sum, w) => sum + w + 2, 0);
  const noteWidth = Math.max(40, width - noteColumn - 1);
  const fmt = (cells: string[], note: string) =>
    `${[...cells.map((c, i) => c.padEnd(widths[i] ?? 0)), note].join('  ').trimEnd()}\n`;
  const body = rows.map((row, i) => {
    const [first = '', ...more] = wrapWords(noteOf(row, now), noteWidth, maxNoteLines);
    return fmt(lines[i] ?? [], first) + more.map((l) => `${' '.repeat(noteColumn)}${l}\n`).join('');
  });
  return fmt(header, 'NOTE') + body.join('');
}

/**
 * Splits `text` into lines of at most `width` characters at spaces (a single word longer than that
 * is split where it must); past `maxLines`, the last line ends with "…" after a whole word.
 */
export function wrapWords(text: string, width: number, maxLines = Infinity): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let rest = word;
    while (rest.length > width) {
      if (line) lines.push(line);
      lines.push(rest.slice(0, width));
      rest = rest.slice(width);
      line = '';
    }
    if (!line) line = rest;
    else if (line.length + 1 + rest.length <= width) line += ` ${rest}`;
    else {
      lines.push(line);
      line = rest;
    }
  }
  if (line) lines.push(line);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  let last = kept[maxLines - 1] ?? '';
  while (last.length + 1 > width && last.includes(' ')) last = last.slice(0, last.lastIndexOf(' '));
  kept[maxLines - 1] = `${last}…`;
  return kept;
}
