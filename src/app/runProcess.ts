import type { Logger } from '../observability/logger.js';

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
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
}
