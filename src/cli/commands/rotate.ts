import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { parseDuration } from '../../config/duration.js';
import { loadConfig } from '../../config/loadConfig.js';
import type { RotorConfig, TargetConfig } from '../../config/schema.js';
import { connectorKinds } from '../../connectors/registry.js';
import { makeLogger } from '../../observability/logger.js';
import { makeRotationClient } from '../../queue/rotationClient.js';
import { makeProgressBar } from '../../scheduling/progressBar.js';
import { rotateTargets, type RotateEvent } from '../../scheduling/rotateTargets.js';
import { UnknownRun } from '../../scheduling/rotationRun.js';
import { schedulingOf } from '../../scheduling/startScheduler.js';
import { CliExit, exitCodes } from '../exitCodes.js';
import type { GlobalOptions } from '../globals.js';
import { checkRedis, openVault } from '../open.js';
import { withResources } from '../resources.js';

interface RotateFlags {
  all?: boolean;
  kind?: string;
  tag: string[];
  wait?: boolean;
  timeout: string;
  dryRun?: boolean;
  json?: boolean;
  reason?: string;
  run?: string;
  newRun?: boolean;
}

/** Who asks, for the audit: `cli:<login name>`. */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

/** The targets a command line names: ids, or every target (`--all`), narrowed by `--kind` and `--tag`. */
export function selectTargets(
  config: RotorConfig,
  ids: string[],
  flags: Pick<RotateFlags, 'all' | 'kind' | 'tag'>,
): TargetConfig[] {
  if (ids.length > 0 && flags.all) throw new CliExit(exitCodes.usage, 'rotate: give target ids or --all, not both');
  if (ids.length === 0 && !flags.all && !flags.kind && flags.tag.length === 0) {
    throw new CliExit(exitCodes.usage, 'rotate: name targets: ids, --all, --kind or --tag');
  }
  if (flags.kind && !(connectorKinds as readonly string[]).includes(flags.kind)) {
    throw new CliExit(exitCodes.usage, `--kind: expected one of ${connectorKinds.join(', ')}, got "${flags.kind}"`);
  }
  const byId = new Map(config.targets.map((t) => [t.id, t]));
  const unknown = ids.filter((id) => !byId.has(id));
  if (unknown.length > 0)
    throw new CliExit(exitCodes.usage, `rotate: no target ${unknown.map((id) => `"${id}"`).join(', ')} in the config`);
  const base = ids.length > 0 ? [...new Set(ids)].map((id) => byId.get(id) as TargetConfig) : config.targets;
  const selected = base.filter(
    (t) => (!flags.kind || t.kind === flags.kind) && flags.tag.every((tag) => t.tags.includes(tag)),
  );
  if (selected.length === 0) throw new CliExit(exitCodes.usage, 'rotate: no configured target matches');
  return selected;
}

export function registerRotateCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('rotate')
    .description('rotate targets now (one job per target; a target already queued or rotating is joined)')
    .argument('[ids...]', 'target ids')
    .option('--all', 'every configured target')
    .option('--kind <kind>', `every target of this kind (${connectorKinds.join(' | ')})`)
    .option('--tag <tag>', 'every target with this tag (repeat for several: all must match)', collect, [])
    .option('--wait', 'wait for the outcome; exit 0 only if every rotation succeeded')
    .option('--timeout <duration>', 'how long --wait waits', '60s')
    .option('--dry-run', 'authenticate, generate and validate, check Vault access; change nothing (waits)')
    .option('--json', 'JSON lines output (the default when stdout is not a terminal)')
    .option('--reason <text>', 'why, for the audit log')
    .option('--run <id>', 'resume this mass rotation run')
    .option('--new-run', 'start a new run even if the same targets have an unfinished one')
    .action(async (ids: string[], flags: RotateFlags) => {
      const timeoutMs = parseDuration(flags.timeout);
      if (timeoutMs === undefined)
        throw new CliExit(exitCodes.usage, `--timeout: expected a duration like 60s, got "${flags.timeout}"`);
      if (flags.reason && flags.reason.length > 200)
        throw new CliExit(exitCodes.usage, '--reason: at most 200 characters');
      const config = await loadConfig(globals().configPath);
      const targets = selectTargets(config, ids, flags);
      const logger = makeLogger({ destination: process.stderr, level: process.env.ROTOR_LOG_LEVEL ?? 'warn' });
      await checkRedis(config);

      const json = flags.json === true || process.stdout.isTTY !== true;
      const bar = json
        ? undefined
        : makeProgressBar(process.stdout, targets.length, { dryRun: flags.dryRun === true, wait: flags.wait === true });
      const onEvent = (event: RotateEvent) => {
        if (json) process.stdout.write(`${JSON.stringify(event)}\n`);
        else bar?.update(event);
      };
      await withResources(async (resources) => {
        // Vault first: a refused token or an unreachable Vault ends the command before any Redis client exists.
        const store = flags.dryRun ? undefined : await openVault(resources, config, logger);
        const client = resources.add(makeRotationClient({ config, logger, maxRetriesPerRequest: 1 }), (c) => c.close());
        try {
          const summary = await rotateTargets({
            client,
            store,
            targets,
            requestedBy: cliActor(),
            reason: flags.reason,
            wait: flags.wait === true,
            timeoutMs,
            dryRun: flags.dryRun,
            runId: flags.run,
            freshRun: flags.newRun,
            runTtlMs: schedulingOf(config).runTtl,
            // Selections (--all, --kind, --tag) are mass rotations, resumable; named targets are plain requests.
            asRun: flags.all === true || flags.kind !== undefined || flags.tag.length > 0 || flags.run !== undefined,
            onEvent,
          });
          bar?.finish(summary);
          if (!summary.ok) throw new CliExit(exitCodes.failure, '');
        } catch (err) {
          if (err instanceof UnknownRun) throw new CliExit(exitCodes.usage, `--run: ${err.message}`);
          throw err;
        }
      });
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
