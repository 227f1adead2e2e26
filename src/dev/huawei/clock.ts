/**
 * The simulator's clock. Cooldowns (Meeting 5 minutes, IAM minimum password age), token expiry and
 * lockouts all read it, so tests can move time forward instead of sleeping.
 */
export class SimClock {
  /**
   * Every password, token and key the simulator has seen or issued: what no log line may contain.
   * Kept on the clock because every service already shares it.
   */
  readonly secrets = new Set<string>();

  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
