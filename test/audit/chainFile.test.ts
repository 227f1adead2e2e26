import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainEvent, genesisAnchor, hashEvent, verifyChain } from '../../src/audit/chain.js';
import { endLine, eventLines, headerLine, verifyChainFile } from '../../src/audit/chainFile.js';
import type { ChainAnchor, ChainedAuditEvent } from '../../src/audit/types.js';

/** Ten events chained in memory: the same bytes an export would hold. */
function makeChain(n = 10): ChainedAuditEvent[] {
  const out: ChainedAuditEvent[] = [];
  let prev: ChainAnchor = genesisAnchor;
  for (let i = 1; i <= n; i++) {
    const e = chainEvent(
      {
        type: 'rotation.step',
        time: `2025-01-01T00:00:${String(i).padStart(2, '0')}Z`,
        actor: 'worker',
        targetId: `t${i}`,
      },
      prev,
    );
    out.push(e);
    prev = { seq: e.seq, hash: e.hash };
  }
  return out;
}

describe('verifyChainFile (rotor audit verify --file)', () => {
  let dir: string;
  const chain = makeChain();
  const head = { seq: 10, hash: (chain[9] as ChainedAuditEvent).hash };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rotor-chainfile-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  async function verifyEvents(events: unknown[], withEnd = true) {
    const file = join(dir, `f-${Math.random()}.jsonl`);
    const body = events.map((e) => `${JSON.stringify(e)}\n`).join('');
    await writeFile(file, headerLine('export', genesisAnchor) + body + (withEnd ? endLine(head, 10) : ''));
    return (await verifyChainFile(file)).verdict;
  }

  it('an untouched export passes', async () => {
    const file = join(dir, 'ok.jsonl');
    await writeFile(file, headerLine('export', genesisAnchor) + eventLines(chain) + endLine(head, 10));
    expect((await verifyChainFile(file)).verdict).toEqual({ ok: true, count: 10, head });
  });

  it('a changed event fails at its own line', async () => {
    const events = chain.map((e) => (e.seq === 4 ? { ...e, actor: 'cli:mallory' } : e));
    const verdict = await verifyEvents(events);
    expect(verdict).toMatchObject({ ok: false, problem: { kind: 'changed', seq: 4 } });
    expect(!verdict.ok && verdict.problem.message).toMatch(/^line 5: event #4 \(seq 4, rotation.step t4\) was changed/);
  });

  it('a changed event whose hash was recomputed fails at the next link', async () => {
    const events = chain.map((e) => (e.seq === 4 ? rehash({ ...e, actor: 'cli:mallory' }) : e));
    expect(await verifyEvents(events)).toMatchObject({ ok: false, problem: { kind: 'changed', seq: 4 } });
  });

  it('a deleted event fails naming the missing seq', async () => {
    const verdict = await verifyEvents(chain.filter((e) => e.seq !== 6));
    expect(verdict).toMatchObject({ ok: false, problem: { kind: 'deleted', seq: 6 } });
  });

  it('an inserted event fails naming the intruder', async () => {
    const forged = rehash({ ...(chain[6] as ChainedAuditEvent), targetId: 'forged' });
    const events = [...chain.slice(0, 6), forged, ...chain.slice(6)];
    const verdict = await verifyEvents(events);
    expect(verdict).toMatchObject({ ok: false, problem: { kind: 'inserted', seq: 7, position: 7 } });
  });

  it('a copy of an earlier event replayed later fails as inserted', async () => {
    const events = [...chain.slice(0, 8), chain[2], ...chain.slice(8)];
    expect(await verifyEvents(events)).toMatchObject({ ok: false, problem: { kind: 'inserted', seq: 3, position: 9 } });
  });

  it('two swapped events fail as reordered', async () => {
    const events = [...chain];
    [events[2], events[3]] = [events[3] as ChainedAuditEvent, events[2] as ChainedAuditEvent];
    expect(await verifyEvents(events)).toMatchObject({ ok: false, problem: { kind: 'reordered', position: 3 } });
  });

  it('an event moved far back fails as reordered and says where it went', async () => {
    const events = [...chain.slice(0, 2), ...chain.slice(3, 8), chain[2], ...chain.slice(8)];
    const verdict = await verifyEvents(events);
    expect(verdict).toMatchObject({ ok: false, problem: { kind: 'reordered', seq: 3 } });
    expect(!verdict.ok && verdict.problem.message).toMatch(/seq 3 was moved to #8/);
  });

  it('a file cut short fails as truncated, with or without its end line', async () => {
    expect(await verifyEvents(chain.slice(0, 7))).toMatchObject({ ok: false, problem: { kind: 'truncated', seq: 8 } });
    expect(await verifyEvents(chain.slice(0, 7), false)).toMatchObject({
      ok: false,
      problem: { kind: 'truncated', seq: 8 },
    });
  });

  it('a line that is not JSON or a file without header fails as malformed', async () => {
    const file = join(dir, 'bad.jsonl');
    await writeFile(file, `${eventLines(chain)}`);
    expect((await verifyChainFile(file)).verdict).toMatchObject({
      ok: false,
      problem: { kind: 'malformed', position: 1 },
    });
    await writeFile(file, `${headerLine('export', genesisAnchor)}{oops\n`);
    expect((await verifyChainFile(file)).verdict).toMatchObject({
      ok: false,
      problem: { kind: 'malformed', position: 2 },
    });
  });
});

describe('verifyChain', () => {
  it('a stretch kept after retention verifies from its anchor and not from the beginning', () => {
    const chain = makeChain();
    const kept = chain.slice(4);
    const anchor = { seq: 4, hash: (chain[3] as ChainedAuditEvent).hash };
    expect(verifyChain(kept, anchor)).toMatchObject({ ok: true, count: 6 });
    expect(verifyChain(kept, genesisAnchor)).toMatchObject({ ok: false, problem: { kind: 'deleted', seq: 1 } });
  });
});

function rehash(event: ChainedAuditEvent): ChainedAuditEvent {
  return { ...event, hash: hashEvent(event) };
}
