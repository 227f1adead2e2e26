import type { Command } from 'commander';
import { loadConfig } from '../../config/loadConfig.js';
import type { RotorConfig } from '../../config/schema.js';
import { safeError } from '../../events/dispatcher.js';
import { makeEventsRuntime, type EventsRuntime } from '../../events/index.js';
import type { DeadLetter } from '../../events/outbox.js';
import { makeLogger } from '../../observability/logger.js';
import { CliExit, exitCodes } from '../exitCodes.js';
import type { GlobalOptions } from '../globals.js';
import { openRotor } from '../open.js';
import { withResources, type Resources } from '../resources.js';

interface Flags {
  subscriber?: string;
  all?: boolean;
  json?: boolean;
}

/** `rotor events list|retry|drop`: the dead letters, per subscriber. */
export function registerEventsCommand(program: Command, globals: () => GlobalOptions): void {
  const events = program.command('events').description('dead-lettered events: list, retry now, drop');
  events
    .command('list')
    .description('events a subscriber never accepted after its last try')
    .option('--subscriber <name>', 'one subscriber')
    .option('--json', 'JSON (the default when stdout is not a terminal)')
    .action(async (flags: Flags) => {
      await withEvents(globals, flags, async (rt) => {
        const letters = await rt.outbox.deadLetters(flags.subscriber);
        if (flags.json === true || process.stdout.isTTY !== true) process.stdout.write(`${JSON.stringify(letters)}\n`);
        else process.stdout.write(renderLetters(letters));
      });
    });
  events
    .command('retry')
    .description('deliver dead-lettered events now (one try each); delivered ones leave the list')
    .argument('[entry...]', 'entry ids from rotor events list')
    .option('--subscriber <name>', 'one subscriber')
    .option('--all', 'every dead letter (of --subscriber, or of all)')
    .action(async (entries: string[], flags: Flags) => {
      await withEvents(globals, flags, async (rt) => {
        const chosen = await choose(rt, entries, flags);
        let failed = 0;
        for (const letter of chosen) {
          const subscriber = rt.subscribers.find((s) => s.name === letter.subscriber);
          const event = await rt.outbox.read(letter.entryId);
          if (!subscriber || !event) {
            failed++;
            process.stderr.write(
              `${letter.entryId} (${letter.subscriber}): ${!subscriber ? 'subscriber no longer configured' : 'no longer in the outbox'}\n`,
            );
            continue;
          }
          try {
            await subscriber.deliver(event);
            await rt.outbox.delivered(letter.subscriber, event, letter.tries + 1);
            process.stdout.write(`${letter.entryId} (${letter.subscriber}): delivered\n`);
          } catch (err) {
            failed++;
            process.stderr.write(`${letter.entryId} (${letter.subscriber}): still failing: ${safeError(err)}\n`);
          }
        }
        if (failed > 0) throw new CliExit(exitCodes.failure, `${failed} of ${chosen.length} not delivered`);
      });
    });
  events
    .command('drop')
    .description('forget dead-lettered events (the audit log keeps them)')
    .argument('[entry...]', 'entry ids from rotor events list')
    .option('--subscriber <name>', 'one subscriber')
    .option('--all', 'every dead letter (of --subscriber, or of all)')
    .action(async (entries: string[], flags: Flags) => {
      await withEvents(globals, flags, async (rt) => {
        const chosen = await choose(rt, entries, flags);
        for (const letter of chosen) await rt.outbox.drop(letter.subscriber, letter.entryId);
        process.stdout.write(`dropped ${chosen.length}\n`);
      });
    });
}

async function withEvents(
  globals: () => GlobalOptions,
  flags: Flags,
  action: (rt: EventsRuntime, config: RotorConfig, resources: Resources) => Promise<void>,
): Promise<void> {
  const config = await loadConfig(globals().configPath);
  const names = [...config.events.webhooks, ...config.events.commands].map((s) => s.name);
  if (flags.subscriber !== undefined && !names.includes(flags.subscriber)) {
    throw new CliExit(
      exitCodes.usage,
      `--subscriber: no subscriber "${flags.subscriber}" under events: (known: ${names.join(', ') || 'none'})`,
    );
  }
  const logger = makeLogger({ destination: process.stderr, level: process.env.ROTOR_LOG_LEVEL ?? 'warn' });
  await withResources(async (resources) => {
    const rotor = await openRotor(resources, config, logger);
    await action(makeEventsRuntime(config, rotor.redis, rotor.store), config, resources);
  });
}

async function choose(rt: EventsRuntime, entries: string[], flags: Flags): Promise<DeadLetter[]> {
  if (entries.length === 0 && flags.all !== true) {
    throw new CliExit(exitCodes.usage, 'expected entry ids (from rotor events list) or --all');
  }
  const letters = await rt.outbox.deadLetters(flags.subscriber);
  if (flags.all === true) return letters;
  const unknown = entries.filter((e) => !letters.some((l) => l.entryId === e));
  if (unknown.length > 0) throw new CliExit(exitCodes.usage, `no dead letter with entry id ${unknown.join(', ')}`);
  return letters.filter((l) => entries.includes(l.entryId));
}

function renderLetters(letters: DeadLetter[]): string {
  if (letters.length === 0) return 'no dead letters\n';
  const rows = [
    ['ENTRY', 'SUBSCRIBER', 'TYPE', 'TARGET', 'TRIES', 'LAST ERROR', 'DEAD SINCE'],
    ...letters.map((l) => [l.entryId, l.subscriber, l.type, l.targetId, String(l.tries), l.lastError, l.deadAt]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return (
    rows
      .map((r) =>
        r
          .map((c, i) => c.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}
