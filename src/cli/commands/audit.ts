import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Redis } from 'ioredis';
import { verifyChainFile } from '../../audit/chainFile.js';
import { makeRedisAuditLog, type AuditLog } from '../../audit/redisAuditLog.js';
import { isReportFormat, renderReport, reportFormats } from '../../audit/renderReport.js';
import { makeReportProvider, readLastRotations } from '../../audit/reportProvider.js';
import { parseReportRange } from '../../audit/reportRange.js';
import type { ChainAnchor } from '../../audit/types.js';
import { loadConfig } from '../../config/loadConfig.js';
import { ConfigError, counted, formatProblem } from '../../config/problems.js';
import type { RotorConfig } from '../../config/schema.js';
import { makeLogger } from '../../observability/logger.js';
import { redisSettingsOf } from '../../queue/cluster.js';
import { makeRedisConnection } from '../../queue/redis.js';
import type { VaultStore } from '../../secrets/index.js';
import { CliExit, exitCodes } from '../exitCodes.js';
import type { GlobalOptions } from '../globals.js';
import { checkRedis, openVault } from '../open.js';
import { withResources } from '../resources.js';

/**
 * `rotor audit verify | export | report`: thin wrappers over the audit log and the report builder.
 * Results go to stdout (or --out); diagnostics to stderr, so `rotor audit report > r.html` is clean.
 */
export function registerAuditCommand(program: Command, globals: () => GlobalOptions): void {
  const audit = program.command('audit').description('audit chain and compliance reports');

  audit
    .command('verify')
    .description('check the audit hash chain; exit 1 naming the first changed, deleted, inserted or reordered event')
    .option('--file <file>', 'check an exported (or archived) JSON Lines file offline instead of Redis')
    .action(async (opts: { file?: string }) => {
      if (opts.file) return verifyFile(opts.file);
      await withAuditLog(globals, { vault: false }, async ({ log }) => {
        const verdict = await log.verify();
        if (!verdict.ok) throw new CliExit(exitCodes.failure, `audit chain broken: ${verdict.problem.message}`);
        process.stdout.write(`audit chain intact: ${describe(verdict.count, verdict.anchor, verdict.head)}\n`);
      });
    });

  audit
    .command('export')
    .description('write the audit chain as JSON Lines that `rotor audit verify --file` checks offline')
    .requiredOption('--out <file>', 'where to write (created with mode 0600, fsynced)')
    .action(async (opts: { out: string }) => {
      await withAuditLog(globals, { vault: false }, async ({ log }) => {
        const { count, head } = await log.export(opts.out);
        process.stdout.write(`${opts.out}: ${count} events, head seq ${head.seq} ${head.hash}\n`);
      });
    });

  audit
    .command('report')
    .description('compliance report: per target last success, age against maxAge, status, failures, requests')
    .option(
      '--since <when>',
      'period start: ISO date or time, or a duration before now (default: 30 days before --until)',
    )
    .option('--until <when>', 'period end: ISO date or time, or a duration before now (default: now)')
    .option('--format <format>', `${reportFormats.join(' | ')}`, 'json')
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--no-vault', "take last rotations from the audit log only (no Vault access; ages may lag Vault's)")
    .action(async (opts: { since?: string; until?: string; format: string; out?: string; vault: boolean }) => {
      if (!isReportFormat(opts.format)) {
        throw new CliExit(exitCodes.usage, `--format: expected ${reportFormats.join(', ')}, got "${opts.format}"`);
      }
      const format = opts.format;
      let range: { since: Date; until: Date };
      try {
        range = parseReportRange({ since: opts.since, until: opts.until }, new Date());
      } catch (err) {
        throw new CliExit(exitCodes.usage, (err as Error).message);
      }
      await withAuditLog(globals, { vault: opts.vault }, async ({ log, config, store }) => {
        const report = await makeReportProvider({
          targets: config.targets,
          auditLog: log,
          lastRotations: store ? () => readLastRotations(store, config.targets) : undefined,
        })(range);
        const body = renderReport(report, format);
        if (opts.out) {
          await writeFile(opts.out, body);
          const { summary } = report;
          process.stderr.write(`${opts.out}: ${summary.compliant} of ${summary.targets} targets compliant\n`);
        } else process.stdout.write(body);
      });
    });
}

async function verifyFile(file: string): Promise<void> {
  let result: Awaited<ReturnType<typeof verifyChainFile>>;
  try {
    result = await verifyChainFile(file);
  } catch (err) {
    throw new CliExit(exitCodes.usage, `${file}: ${(err as Error).message}`);
  }
  const { verdict, anchor, hasEnd } = result;
  if (!verdict.ok) throw new CliExit(exitCodes.failure, `${file}: audit chain broken: ${verdict.problem.message}`);
  const note = hasEnd
    ? ''
    : ' (an archive has no end line: compare its head with the one `rotor audit verify` prints to see a cut end)';
  process.stdout.write(`${file}: audit chain intact: ${describe(verdict.count, anchor, verdict.head)}${note}\n`);
}

function describe(count: number, anchor: ChainAnchor | undefined, head: ChainAnchor): string {
  if (count === 0) return 'no events';
  const from = anchor && anchor.seq > 0 ? ` from anchor seq ${anchor.seq} (earlier events trimmed)` : '';
  return `${count} events, seq ${head.seq - count + 1}..${head.seq}${from}, head ${head.hash}`;
}

/**
 * Runs `run` with the audit log (and, when asked, the Vault store): Vault is opened first, so that a
 * Vault problem ends the command before any Redis client exists; everything is closed afterwards.
 */
async function withAuditLog(
  globals: () => GlobalOptions,
  needs: { vault: boolean },
  run: (ctx: { log: AuditLog; config: RotorConfig; store?: VaultStore }) => Promise<void>,
): Promise<void> {
  const file = globals().configPath;
  let config: RotorConfig;
  try {
    config = await loadConfig(file);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const p of err.problems) process.stderr.write(`${formatProblem(p)}\n`);
    throw new CliExit(exitCodes.usage, `${file}: ${counted(err.problems.length, 'problem')}`);
  }
  const logger = makeLogger({ destination: process.stderr, level: 'warn' });
  await checkRedis(config);
  await withResources(async (resources) => {
    const store = needs.vault ? await openVault(resources, config, logger) : undefined;
    // A CLI run should fail, not hang, when Redis goes away midway.
    const redis: Redis = resources.add(
      makeRedisConnection(redisSettingsOf(config.redis), { maxRetriesPerRequest: 1 }),
      (r) => r.disconnect(),
    );
    const log = resources.add(makeRedisAuditLog({ redis, prefix: config.redis.prefix, logger }), (l) => l.close());
    await run({ log, config, store });
  });
}
