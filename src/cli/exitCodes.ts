/** The CLI contract: 0 ok, 1 failure, 2 bad usage or config. */
export const exitCodes = { ok: 0, failure: 1, usage: 2 } as const;

/** Thrown by a command to end the process with a given code after printing `message` on stderr. */
export class CliExit extends Error {
  readonly exitCode: number;
  constructor(exitCode: number, message: string) {
    super(message);
    this.name = 'CliExit';
    this.exitCode = exitCode;
  }
}
