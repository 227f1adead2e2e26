/** Messages between a benchmark and its servers process (bench/lib/servers.ts), over Node's IPC channel. */

export interface ServerOptions {
  /** Added to every simulator route (the `latency` fault), in ms. @defaultValue 0 */
  latencyMs?: number;
  /**
   * Put a gateway in front of the simulator that admits at most this many requests in any sliding
   * 1-second window and answers the rest 429 (APIG.0308, Retry-After: 1), as Huawei's API gateway does.
   */
  rateLimitPerSecond?: number;
  /** Put a counting proxy in front of the Vault emulator: requests by method and path shape. */
  countVault?: boolean;
}

export interface ServerInfo {
  /** The simulator itself. */
  simUrl: string;
  /** Where targets should point: the gateway when there is one, else the simulator. */
  huaweiUrl: string;
  /** Where rotor should point: the counting proxy when there is one, else the emulator. */
  vaultUrl: string;
  rootToken: string;
}

export interface SeedRequest {
  /** A rotor config (input form); every target in it is created in the simulator and stored in Vault. */
  config: unknown;
  /** Older versions written under each target's secret before the live password (a secret's history). */
  historyVersions?: number;
  /** CBH operators to turn into user/password credentials (token auth) instead of AK/SK. */
  tokenOperators?: string[];
}

export interface ServerStats {
  /** Simulator requests per route id. */
  sim: Record<string, number>;
  /** Simulator answers with status 429. */
  sim429: number;
  /** Requests the Vault emulator handled. */
  vaultRequests: number;
  /** With `countVault`: requests by `METHOD kind path-part`. */
  vaultOps: Record<string, number>;
  /** With a gateway: requests passed on, requests refused with 429, most admitted in any 1 s. */
  gateway: { admitted: number; rejected: number; maxPerSecond: number };
  /** Most simulator requests (by the simulator's own arrival time) in any 1 s, when asked for. */
  simMaxPerSecond?: number;
  /** CPU time of the servers process so far, µs (user + system). */
  cpuMicros: number;
  rssBytes: number;
}

export type ServerRequest =
  | { id: number; op: 'seed'; seed: SeedRequest }
  | { id: number; op: 'stats'; windows?: boolean }
  | { id: number; op: 'close' };

export type ServerReply =
  | { type: 'ready'; info: ServerInfo }
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: string };
