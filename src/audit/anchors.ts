import type { RedisClient } from '../types/redis.js';
import type { VaultStore } from '../secrets/vaultStore.js';
import type { SecretVersion } from '../types/secretStore.js';
import type { AnchorEvidence } from './reportModel.js';
import type { ChainAnchor } from './types.js';

/**
 * Anchors: the chain head (seq, hash, time) written to Vault KV v2, where someone who can write Redis
 * cannot. Each anchor is one version of `{statePrefix}/audit-anchors`, so the versions are the
 * anchors' history (max_versions prunes the oldest; the newest is the one that matters, since every
 * earlier event is linked to it). A chain whose event at an anchored seq has another hash was
 * rewritten; a chain that ends before an anchored seq was cut and its head moved back.
 */
export const anchorsName = 'audit-anchors';

export interface AuditAnchor {
  seq: number;
  hash: string;
  /** When the anchor was written. */
  time: string;
  /** Its KV version. */
  version: number;
}

export interface AnchorRead {
  anchors: AuditAnchor[];
  /** Versions Vault lists as deleted or destroyed: someone removed anchors. */
  deleted: number[];
  /** Versions that do not hold an anchor rotor wrote. */
  malformed: number[];
}

export type AnchorVault = Pick<VaultStore, 'readSecret' | 'readVersions' | 'writeVersion'>;

export interface AnchorStore {
  /** `{mount}/data/{statePrefix}/audit-anchors`, for messages. */
  readonly path: string;
  readAll(): Promise<AnchorRead>;
  /** The newest anchor, and the version a next write must name (0 = none yet). */
  latest(): Promise<{ anchor?: AuditAnchor; version: number }>;
  /** Writes `head` as a new version; Conflict when another process anchored since `cas`. */
  write(head: ChainAnchor, now: Date, cas: number): Promise<AuditAnchor>;
}

export function makeAnchorStore(vault: AnchorVault, mount: string, statePrefix: string): AnchorStore {
  const secretPath = `${statePrefix}/${anchorsName}`;
  return {
    path: `${mount}/data/${secretPath}`,
    async readAll() {
      const out: AnchorRead = { anchors: [], deleted: [], malformed: [] };
      for (const v of await vault.readVersions(secretPath)) {
        if (v.deleted) out.deleted.push(v.version);
        else {
          const anchor = anchorOf(v);
          if (anchor) out.anchors.push(anchor);
          else out.malformed.push(v.version);
        }
      }
      return out;
    },
    async latest() {
      const current = await vault.readSecret(secretPath);
      if (!current) return { version: 0 };
      return { anchor: current.deleted ? undefined : anchorOf(current), version: current.version };
    },
    async write(head, now, cas) {
      const time = now.toISOString();
      const version = await vault.writeVersion(secretPath, { seq: head.seq, hash: head.hash, time }, cas);
      return { seq: head.seq, hash: head.hash, time, version };
    },
  };
}

function anchorOf(v: SecretVersion): AuditAnchor | undefined {
  const { seq, hash, time } = v.data;
  const n = typeof seq === 'string' ? Number(seq) : seq;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) return undefined;
  if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) return undefined;
  if (typeof time !== 'string' || Number.isNaN(Date.parse(time))) return undefined;
  return { seq: n, hash, time, version: v.version };
}

/**
 * rotor's note in Redis of the last anchor it wrote, so that `verify` can tell "anchors deleted from
 * Vault" from "never anchored". It proves nothing by itself (whoever can write Redis can remove it);
 * the age rule in `checkAnchors` covers that case.
 */
export function anchorMarkKey(prefix: string): string {
  return `${prefix}:audit:anchored`;
}

export async function writeAnchorMark(redis: RedisClient, prefix: string, anchor: AuditAnchor): Promise<void> {
  await redis.hset(anchorMarkKey(prefix), {
    seq: String(anchor.seq),
    time: anchor.time,
    version: String(anchor.version),
  });
}

export async function readAnchorMark(
  redis: RedisClient,
  prefix: string,
): Promise<{ seq: number; time: string } | undefined> {
  const [seq, time] = await redis.hmget(anchorMarkKey(prefix), 'seq', 'time');
  return seq && time ? { seq: Number(seq), time } : undefined;
}

export interface AnchorCheckInput {
  read: AnchorRead;
  /** The verified chain: its kept start (last trimmed event), head, and hash by seq. */
  trimmed: ChainAnchor;
  head: ChainAnchor;
  hashAt(seq: number): string | undefined;
  /** When the oldest kept event was written. */
  firstTime?: string;
  mark?: { seq: number; time: string };
  /** The anchoring interval: a chain older than twice this with no anchor lost its anchors. */
  everyMs: number;
  now: Date;
  path: string;
}

/** Compares the chain with every anchor read; each disagreement is one sentence naming the anchor. */
export function checkAnchors(input: AnchorCheckInput): AnchorEvidence {
  const { read, head, trimmed } = input;
  const problems: string[] = [];
  const latest = read.anchors.reduce<AuditAnchor | undefined>(
    (a, b) => (a && a.version > b.version ? a : b),
    undefined,
  );
  if (read.deleted.length > 0) {
    problems.push(
      `anchor version${read.deleted.length > 1 ? 's' : ''} ${read.deleted.join(', ')} deleted from ${input.path}`,
    );
  }
  if (read.malformed.length > 0) {
    const many = read.malformed.length > 1;
    problems.push(
      `version${many ? 's' : ''} ${read.malformed.join(', ')} of ${input.path} hold${many ? '' : 's'} no anchor rotor wrote`,
    );
  }
  if (!latest) {
    const staleSince = input.firstTime && input.now.getTime() - Date.parse(input.firstTime) > 2 * input.everyMs;
    if (input.mark) {
      problems.unshift(
        `anchors missing: rotor anchored seq ${input.mark.seq} at ${input.mark.time}, but ${input.path} holds no anchor`,
      );
    } else if (staleSince && head.seq > 0) {
      problems.unshift(
        `anchors missing: the chain has events since ${input.firstTime}, but ${input.path} holds no anchor`,
      );
    }
    const status = problems.length > 0 ? 'missing' : 'none-yet';
    return { status, checked: 0, problems };
  }
  let checked = 0;
  for (const a of [...read.anchors].sort((x, y) => x.version - y.version)) {
    const when = `the anchor of ${a.time} (version ${a.version})`;
    if (a.seq > head.seq) {
      problems.push(
        `truncated: ${when} records seq ${a.seq}, but the chain ends at seq ${head.seq}: ` +
          `events after seq ${head.seq} were removed and the head moved back`,
      );
      continue;
    }
    const hash = a.seq === trimmed.seq ? trimmed.hash : input.hashAt(a.seq);
    if (a.seq < trimmed.seq) continue; // trimmed by retention: nothing left to compare
    checked += 1;
    if (hash === undefined) problems.push(`seq ${a.seq}, recorded by ${when}, is not in the chain`);
    else if (hash !== a.hash) {
      problems.push(
        `rewritten: seq ${a.seq} has hash ${hash.slice(0, 12)}…, but ${when} recorded ${a.hash.slice(0, 12)}…: ` +
          `the chain was rewritten at or before seq ${a.seq}`,
      );
    }
  }
  return { status: problems.length > 0 ? 'mismatch' : 'ok', checked, latest, problems };
}
