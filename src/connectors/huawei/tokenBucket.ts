/**
 * A token bucket: `burst` requests at once, refilled at `perSecond`. `take()` waits for a token
 * instead of failing, so a burst of rotations against one endpoint is spread out, not throttled.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  take(): Promise<void> {
    // Chain the waiters so they are served in order and each sees the refill the previous left.
    const next = this.queue.then(() => this.waitForToken());
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async waitForToken(): Promise<void> {
    for (;;) {
      const now = this.now();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      const waitMs = Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }
}

const buckets = new Map<string, TokenBucket>();

/** One bucket per endpoint origin and setting, shared by every connector in the process. */
export function bucketFor(origin: string, perSecond: number, burst: number): TokenBucket {
  const key = `${origin}|${perSecond}|${burst}`;
  let b = buckets.get(key);
  if (!b) {
    b = new TokenBucket(perSecond, burst);
    buckets.set(key, b);
  }
  return b;
}
