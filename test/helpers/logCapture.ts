import { Writable } from 'node:stream';
import { makeLogger, type Logger } from '../../src/observability/logger.js';

/** A real pino logger whose every line is kept, so tests can search what a user's log would hold. */
export function captureLogs(level = 'trace'): { logger: Logger; lines: string[]; text: () => string } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = makeLogger({ level, destination });
  return { logger, lines, text: () => lines.join('\n') };
}
