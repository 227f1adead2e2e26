import { Writable } from 'node:stream';
import { makeLogger, type Logger } from '../../src/observability/logger.js';

/** A logger at trace level whose lines are kept, so a test can assert that no secret was written. */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: makeLogger({ destination, level: 'trace' }), lines };
}

/** Every line that contains one of the secrets (should be none). */
export function leaks(lines: readonly string[], secrets: readonly string[]): string[] {
  return lines.filter((l) => secrets.some((s) => s.length >= 4 && l.includes(s)));
}
