/**
 * What a command opened (Redis clients, queues, the Vault session, servers), closed together in the
 * reverse order of opening. A command registers each resource the moment it exists, so a setup step
 * that fails halfway (a refused Vault token after the Redis clients were made) still closes what came
 * before it — otherwise an open socket or timer keeps the process alive after the error is printed.
 */
export class Resources {
  private readonly closers: (() => Promise<unknown>)[] = [];

  /** `onCloseError` hears of a close that failed (a long-running command logs it); the others still close. */
  constructor(private readonly onCloseError: (err: unknown) => void = () => undefined) {}

  /** Registers `resource` and returns it, so opening and registering is one expression. */
  add<T>(resource: T, close: (resource: T) => unknown): T {
    this.closers.push(async () => close(resource));
    return resource;
  }

  /**
   * Closes everything registered so far, last opened first. A failing close does not stop the
   * others; closing twice closes nothing twice.
   */
  async close(): Promise<void> {
    for (const close of this.closers.splice(0).reverse()) {
      await close().catch(this.onCloseError);
    }
  }
}

/** Runs `body` with a fresh set of resources, closed when it returns or throws. */
export async function withResources<T>(
  body: (resources: Resources) => Promise<T>,
  onCloseError?: (err: unknown) => void,
): Promise<T> {
  const resources = new Resources(onCloseError);
  try {
    return await body(resources);
  } finally {
    await resources.close();
  }
}
