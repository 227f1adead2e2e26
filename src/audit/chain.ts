import { hash } from 'node:crypto';
import { canonicalJson } from './canonicalJson.js';
import type { AuditEvent, ChainAnchor, ChainedAuditEvent } from './types.js';

/** `prevHash` of the very first event. */
export const genesisHash = '0'.repeat(64);
export const genesisAnchor: ChainAnchor = { seq: 0, hash: genesisHash };

/** The fields the chain adds to an event: not part of its content. */
const linkFields: ReadonlySet<string> = new Set(['seq', 'prevHash', 'hash']);

/** sha256 of the canonical JSON of the event's own fields (everything but `seq`, `prevHash`, `hash`). */
export function contentHash(event: AuditEvent): string {
  return sha256(canonicalJson(event, linkFields));
}

/** The event's canonical JSON (what is stored) and its content hash, made from one serialisation. */
export function canonicalContent(event: AuditEvent): { json: string; content: string } {
  const json = canonicalJson(event, linkFields);
  return { json, content: sha256(json) };
}

/** The link: `sha256(prevHash + "\n" + seq + "\n" + contentHash)`. The append script computes the same in Lua. */
export function linkHash(prevHash: string, seq: number, content: string): string {
  return sha256(`${prevHash}\n${seq}\n${content}`);
}

export function hashEvent(event: Omit<ChainedAuditEvent, 'hash'>): string {
  return linkHash(event.prevHash, event.seq, contentHash(event));
}

function sha256(text: string): string {
  // The one-shot hash: an audit event costs three of these, and a Hash object each costs twice as much.
  return hash('sha256', text, 'hex');
}

/** Links `event` after `prev`: the only way a chained event should be made. */
export function chainEvent(event: AuditEvent, prev: ChainAnchor): ChainedAuditEvent {
  const linked = { ...event, seq: prev.seq + 1, prevHash: prev.hash };
  return { ...linked, hash: hashEvent(linked) };
}

export type ChainProblemKind = 'changed' | 'deleted' | 'inserted' | 'reordered' | 'truncated' | 'malformed';

export interface ChainProblem {
  kind: ChainProblemKind;
  /** The sequence number the problem is about (the first missing one, for deletions and truncation). */
  seq: number;
  /** 1-based position in what was read (stream order or file line of events). */
  position: number;
  message: string;
}

export type ChainVerdict =
  { ok: true; count: number; head: ChainAnchor } | { ok: false; count: number; problem: ChainProblem };

/**
 * Checks that `events` (in stored order) form one unbroken chain starting after `anchor` and, when
 * `head` is known (Redis head record, export end line), ending at it. Stops at the first problem and
 * names it: the first event an auditor should look at.
 */
export function verifyChain(events: readonly unknown[], anchor: ChainAnchor, head?: ChainAnchor): ChainVerdict {
  let prev = anchor;
  let before: ChainAnchor | undefined;
  const fail = (problem: ChainProblem): ChainVerdict => ({ ok: false, count: events.length, problem });
  for (let i = 0; i < events.length; i++) {
    const position = i + 1;
    const event = events[i];
    if (!isChained(event)) {
      const message = `event #${position} is not a chained audit event`;
      return fail({ kind: 'malformed', seq: prev.seq + 1, position, message });
    }
    if (hashEvent(event) !== event.hash) {
      const message = `${describe(event, position)} was changed: its content no longer matches its hash`;
      return fail({ kind: 'changed', seq: event.seq, position, message });
    }
    if (event.seq === prev.seq + 1 && event.prevHash === prev.hash) {
      before = prev;
      prev = { seq: event.seq, hash: event.hash };
      continue;
    }
    return fail(classifyBreak(events, i, prev, before));
  }
  if (head && (head.seq !== prev.seq || head.hash !== prev.hash)) return fail(classifyHead(events.length, prev, head));
  return { ok: true, count: events.length, head: prev };
}

/**
 * Why event `i` does not link to `prev` (whose own predecessor is `before`): looks around to tell
 * an insertion from a move from a gap from an edit whose hash was recomputed.
 */
function classifyBreak(
  events: readonly unknown[],
  i: number,
  prev: ChainAnchor,
  before: ChainAnchor | undefined,
): ChainProblem {
  const event = events[i] as ChainedAuditEvent;
  const position = i + 1;
  const where = describe(event, position);
  const expected = prev.seq + 1;
  const next = events[i + 1];
  const seqElsewhere = events.some((e, j) => j !== i && isChained(e) && e.seq === event.seq);
  if (before && event.seq === prev.seq && event.prevHash === before.hash) {
    // The previous event took this one's place with a valid-looking link: it is the intruder.
    const message = `event #${i} (seq ${prev.seq}) was inserted: ${where} links past it`;
    return { kind: 'inserted', seq: prev.seq, position: i, message };
  }
  if (isChained(next) && next.seq === expected && next.prevHash === prev.hash) {
    if (!seqElsewhere && event.seq > expected) {
      const message = `${where} is out of order: it stands before seq ${expected}`;
      return { kind: 'reordered', seq: event.seq, position, message };
    }
    return { kind: 'inserted', seq: event.seq, position, message: `${where} was inserted after seq ${prev.seq}` };
  }
  if (event.seq <= prev.seq) {
    const kind = seqElsewhere ? 'inserted' : 'reordered';
    const message = seqElsewhere
      ? `${where} was inserted: seq ${event.seq} already appeared`
      : `${where} is out of order: it comes after seq ${prev.seq}`;
    return { kind, seq: event.seq, position, message };
  }
  const laterIndex = events.findIndex((e, j) => j > i && isChained(e) && e.seq === expected);
  if (laterIndex >= 0) {
    const message = `${where} stands where seq ${expected} belongs; seq ${expected} was moved to #${laterIndex + 1}`;
    return { kind: 'reordered', seq: expected, position, message };
  }
  if (event.seq > expected) {
    const range = event.seq - 1 === expected ? `seq ${expected} was` : `seq ${expected}..${event.seq - 1} were`;
    return { kind: 'deleted', seq: expected, position, message: `${range} deleted: ${where} follows seq ${prev.seq}` };
  }
  // Right number, wrong link: the previous event (or this one's prevHash) was edited and re-hashed.
  const message = `seq ${prev.seq} was changed (its hash recomputed): ${where} no longer links to it`;
  return { kind: 'changed', seq: prev.seq, position: i, message };
}

function classifyHead(count: number, last: ChainAnchor, head: ChainAnchor): ChainProblem {
  if (head.seq > last.seq) {
    const range = head.seq === last.seq + 1 ? `seq ${head.seq} was` : `seq ${last.seq + 1}..${head.seq} were`;
    const message = `${range} deleted from the end (the chain head is seq ${head.seq})`;
    return { kind: 'truncated', seq: last.seq + 1, position: count + 1, message };
  }
  if (head.seq < last.seq) {
    const message = `events after seq ${head.seq} were added behind the log's back (the chain head is seq ${head.seq})`;
    return { kind: 'inserted', seq: head.seq + 1, position: count - (last.seq - head.seq) + 1, message };
  }
  const message = `seq ${last.seq} has hash ${last.hash.slice(0, 12)}…, but the chain head records ${head.hash.slice(0, 12)}…`;
  return { kind: 'changed', seq: last.seq, position: count, message };
}

function describe(event: ChainedAuditEvent, position: number): string {
  return `event #${position} (seq ${event.seq}, ${event.type}${event.targetId ? ` ${event.targetId}` : ''})`;
}

function isChained(value: unknown): value is ChainedAuditEvent {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.seq === 'number' &&
    Number.isInteger(v.seq) &&
    typeof v.prevHash === 'string' &&
    typeof v.hash === 'string' &&
    typeof v.type === 'string' &&
    typeof v.time === 'string'
  );
}
