import { open, readFile, type FileHandle } from 'node:fs/promises';
import { verifyChain, type ChainVerdict } from './chain.js';
import type { ChainAnchor, ChainedAuditEvent } from './types.js';

/**
 * The JSON Lines form of the chain, shared by `rotor audit export` and the archive:
 *   line 1   {"format":"rotor-audit/1","kind":"export","anchor":{"seq":0,"hash":"000…"},…}  where the chain starts
 *   lines    one chained event each, in chain order
 *   last     {"end":{"seq":N,"hash":"…","count":K}}  export only: makes a cut-off file detectable
 * An archive grows for ever and has no end line.
 */
export const chainFileFormat = 'rotor-audit/1';

export interface ChainFileHeader {
  format: typeof chainFileFormat;
  /** An export must end with its end line; an archive has none. */
  kind: 'export' | 'archive';
  anchor: ChainAnchor;
  createdAt: string;
}

export interface ChainFileEnd {
  end: ChainAnchor & { count: number };
}

export function headerLine(kind: ChainFileHeader['kind'], anchor: ChainAnchor, now = new Date()): string {
  const header: ChainFileHeader = { format: chainFileFormat, kind, anchor, createdAt: now.toISOString() };
  return `${JSON.stringify(header)}\n`;
}

export function endLine(head: ChainAnchor, count: number): string {
  const end: ChainFileEnd = { end: { ...head, count } };
  return `${JSON.stringify(end)}\n`;
}

export function eventLines(events: readonly ChainedAuditEvent[]): string {
  return events.map((e) => `${JSON.stringify(e)}\n`).join('');
}

/** Appends `text` and waits until it is on disk: an archive line that only reached the page cache is not an archive. */
export async function appendDurably(handle: FileHandle, text: string): Promise<void> {
  if (text === '') return;
  await handle.appendFile(text, 'utf8');
  await handle.sync();
}

/** Writes a whole chain file (export) and fsyncs it before returning. */
export async function writeChainFile(
  file: string,
  anchor: ChainAnchor,
  pages: AsyncIterable<ChainedAuditEvent[]>,
): Promise<{ count: number; head: ChainAnchor }> {
  const handle = await open(file, 'w', 0o600);
  try {
    await handle.appendFile(headerLine('export', anchor), 'utf8');
    let head = anchor;
    let count = 0;
    for await (const page of pages) {
      if (page.length === 0) continue;
      await handle.appendFile(eventLines(page), 'utf8');
      count += page.length;
      const last = page[page.length - 1] as ChainedAuditEvent;
      head = { seq: last.seq, hash: last.hash };
    }
    await appendDurably(handle, endLine(head, count));
    return { count, head };
  } finally {
    await handle.close();
  }
}

export interface ChainFileVerdict {
  verdict: ChainVerdict;
  anchor?: ChainAnchor;
  /** False for an archive (no end line): a cut at the end of such a file cannot be seen from the file alone. */
  hasEnd: boolean;
}

/**
 * Verifies a chain file offline. Line numbers in problems are file lines, so an auditor can open
 * the file at the named line.
 */
export async function verifyChainFile(file: string): Promise<ChainFileVerdict> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const malformed = (line: number, message: string): ChainFileVerdict => ({
    verdict: { ok: false, count: 0, problem: { kind: 'malformed', seq: 0, position: line, message } },
    hasEnd: false,
  });
  const parsed: unknown[] = [];
  for (const [i, line] of lines.entries()) {
    try {
      parsed.push(JSON.parse(line));
    } catch {
      return malformed(i + 1, `line ${i + 1} is not JSON`);
    }
  }
  const header = parsed[0];
  if (!isHeader(header)) return malformed(1, `line 1 is not a ${chainFileFormat} header`);
  const last = parsed[parsed.length - 1];
  const hasEnd = parsed.length > 1 && isEnd(last);
  const events = parsed.slice(1, hasEnd ? -1 : undefined);
  const head = hasEnd ? { seq: last.end.seq, hash: last.end.hash } : undefined;
  let verdict = verifyChain(events, header.anchor, head);
  if (verdict.ok && header.kind === 'export' && !hasEnd) {
    const seq = verdict.head.seq + 1;
    const message = `the end line is missing: the export was cut off after seq ${verdict.head.seq}`;
    verdict = {
      ok: false,
      count: events.length,
      problem: { kind: 'truncated', seq, position: events.length + 1, message },
    };
  }
  if (!verdict.ok) {
    // Positions count events; the file has the header line before them.
    const problem = { ...verdict.problem, message: `line ${verdict.problem.position + 1}: ${verdict.problem.message}` };
    return { verdict: { ...verdict, problem }, anchor: header.anchor, hasEnd };
  }
  return { verdict, anchor: header.anchor, hasEnd };
}

/** The last event of an existing chain file, or its anchor when it has none; undefined when there is no file. */
export async function readChainFileTail(file: string): Promise<ChainAnchor | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    // Only the end matters and an archive grows for years: read the last megabyte, not the file.
    const { size } = await handle.stat();
    const length = Math.min(size, 1 << 20);
    const { buffer } = await handle.read(Buffer.alloc(length), 0, length, size - length);
    const lines = buffer
      .toString('utf8')
      .split('\n')
      .filter((l) => l !== '');
    const lastLine = lines[lines.length - 1];
    if (lastLine === undefined) return undefined;
    const last: unknown = JSON.parse(lastLine);
    if (isHeader(last)) return last.anchor;
    const event = last as Partial<ChainedAuditEvent>;
    if (typeof event.seq !== 'number' || typeof event.hash !== 'string') {
      throw new Error(`${file}: the last line is not an audit event; is this an archive file?`);
    }
    return { seq: event.seq, hash: event.hash };
  } finally {
    await handle.close();
  }
}

function isHeader(value: unknown): value is ChainFileHeader {
  const v = value as Partial<ChainFileHeader> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    v.format === chainFileFormat &&
    (v.kind === 'export' || v.kind === 'archive') &&
    typeof v.anchor?.seq === 'number' &&
    typeof v.anchor.hash === 'string'
  );
}

function isEnd(value: unknown): value is ChainFileEnd {
  const v = value as Partial<ChainFileEnd> | null;
  return typeof v === 'object' && v !== null && typeof v.end?.seq === 'number' && typeof v.end.hash === 'string';
}
