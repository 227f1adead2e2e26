/**
 * The simulator's clock. Cooldowns (Meeting 5 minutes, IAM minimum password age), token expiry and
 * lockouts all read it, so tests can move time forward instead of sleeping.
 */
export class SimClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
