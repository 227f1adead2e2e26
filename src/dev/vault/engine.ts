import type { EmuRequest, EmuResponse } from './http.js';
import type { Capability } from './policy.js';

/** The secrets engines a mount can hold. */
export interface SecretsEngine {
  readonly type: string;
  readonly options: Record<string, string> | null;
  /** The capability a request needs: POST is create or update depending on whether the key exists. */
  capabilityFor(req: EmuRequest, subPath: string): Capability;
  handle(req: EmuRequest, subPath: string): EmuResponse;
}
