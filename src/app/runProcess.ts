import type { Logger } from '../observability/logger.js';

// A signal that arrives while a long-running command is still starting (its HTTP endpoint may already
// answer) must not kill it half-started: it is held here and acted on once `untilSignal` is reached.
let early: NodeJS.Signals | undefined;
const holdEarly = (signal: NodeJS.Signals) => {
  early ??= signal;
};

/** Holds SIGTERM/SIGINT from now on, so that a start-up interrupted by one still shuts down cleanly. */
export function holdSignalsWhileStarting(): void {
  process.on('SIGTERM', holdEarly);
  process.on('SIGINT', holdEarly);
}

/**
 * Keeps a long-running command alive until SIGTERM or SIGINT, then runs `stop` once: stop taking
 * jobs, let active rotations finish up to their timeout, close connections. A second signal exits
 * at once (an operator who presses Ctrl-C twice means it).
 */
export function untilSignal(logger: Logger, stop: () => Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting now');
        process.exit(1);
      }
      stopping = true;
      logger.info({ signal }, 'shutting down: no new jobs, waiting for active rotations');
      stop().then(
        () => resolve(),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          resolve();
        },
      );
    };
    process.removeListener('SIGTERM', holdEarly);
    process.removeListener('SIGINT', holdEarly);
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    if (early) onSignal(early);
  });
}
