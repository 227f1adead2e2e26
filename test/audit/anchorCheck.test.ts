import { describe, expect, it } from '@jest/globals';
import { checkAnchors, type AnchorCheckInput, type AuditAnchor } from '../../src/audit/anchors.js';

const h = (c: string) => c.repeat(64);
const path = 'secret/data/rotor/state/audit-anchors';
const now = new Date('2025-06-01T12:00:00Z');
/** A chain of seq 1..10 whose event n has hash "n…" (one hex digit repeated). */
const hashes = new Map(Array.from({ length: 10 }, (_, i) => [i + 1, h(((i + 1) % 16).toString(16))]));
const anchor = (seq: number, version: number, hash = hashes.get(seq) as string): AuditAnchor => ({
  seq,
  hash,
  time: `2025-06-01T11:${String(version).padStart(2, '0')}:00.000Z`,
  version,
});

function check(over: Partial<AnchorCheckInput>) {
  return checkAnchors({
    read: { anchors: [], deleted: [], malformed: [] },
    trimmed: { seq: 0, hash: '0'.repeat(64) },
    head: { seq: 10, hash: hashes.get(10) as string },
    hashAt: (seq) => hashes.get(seq),
    firstTime: '2025-06-01T11:58:00.000Z',
    everyMs: 5 * 60_000,
    now,
    path,
    ...over,
  });
}

describe('checkAnchors', () => {
  it('passes a chain that holds every anchored seq with the anchored hash', () => {
    expect(check({ read: { anchors: [anchor(4, 1), anchor(9, 2)], deleted: [], malformed: [] } })).toEqual({
      status: 'ok',
      checked: 2,
      latest: anchor(9, 2),
      problems: [],
    });
  });

  it('finds a tail rewritten with a consistent new head: the anchored seq has another hash', () => {
    const result = check({ read: { anchors: [anchor(4, 1), anchor(9, 2, h('e'))], deleted: [], malformed: [] } });
    expect(result.status).toBe('mismatch');
    expect(result.problems).toEqual([
      expect.stringMatching(
        /^rewritten: seq 9 has hash 999999999999…, but the anchor of 2025-06-01T11:02:00\.000Z \(version 2\) recorded eeeeeeeeeeee…: the chain was rewritten at or before seq 9$/,
      ),
    ]);
  });

  it('finds a truncation with the head moved back: an anchor records a seq beyond the head', () => {
    const result = check({
      head: { seq: 6, hash: hashes.get(6) as string },
      read: { anchors: [anchor(4, 1), anchor(9, 2)], deleted: [], malformed: [] },
    });
    expect(result.status).toBe('mismatch');
    expect(result.problems).toEqual([
      'truncated: the anchor of 2025-06-01T11:02:00.000Z (version 2) records seq 9, but the chain ends at seq 6: events after seq 6 were removed and the head moved back',
    ]);
  });

  it('says anchors are missing when rotor noted one in Redis and Vault holds none, or deleted versions', () => {
    expect(check({ mark: { seq: 9, time: '2025-06-01T11:55:00.000Z' } })).toEqual({
      status: 'missing',
      checked: 0,
      problems: [`anchors missing: rotor anchored seq 9 at 2025-06-01T11:55:00.000Z, but ${path} holds no anchor`],
    });
    expect(check({ read: { anchors: [], deleted: [1, 2], malformed: [] } })).toMatchObject({
      status: 'missing',
      problems: [`anchor versions 1, 2 deleted from ${path}`],
    });
  });

  it('says anchors are missing when the chain is older than two intervals and none was ever written', () => {
    expect(check({ firstTime: '2025-06-01T11:40:00.000Z' })).toMatchObject({
      status: 'missing',
      problems: [`anchors missing: the chain has events since 2025-06-01T11:40:00.000Z, but ${path} holds no anchor`],
    });
    expect(check({}).status).toBe('none-yet'); // events from 2 minutes ago: the first anchor is not due yet
  });

  it('skips anchors older than the kept chain (trimmed by retention) and compares one at the trim point', () => {
    const result = check({
      trimmed: { seq: 5, hash: hashes.get(5) as string },
      read: { anchors: [anchor(2, 1, h('f')), anchor(5, 2), anchor(8, 3)], deleted: [], malformed: [] },
    });
    expect(result).toMatchObject({ status: 'ok', checked: 2 });
  });

  it('names a version that holds something other than an anchor', () => {
    const result = check({ read: { anchors: [anchor(9, 2)], deleted: [], malformed: [1] } });
    expect(result).toMatchObject({
      status: 'mismatch',
      problems: [`version 1 of ${path} holds no anchor rotor wrote`],
    });
  });
});
