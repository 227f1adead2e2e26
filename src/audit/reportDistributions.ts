import type { AgeRow, ComplianceReport, OutcomeBucket, TargetCompliance } from './reportModel.js';
import type { AuditEvent } from './types.js';

/**
 * Figures that stay the same size whatever the number of targets: how many passwords fall in each
 * age bin (by kind, by tag), and how outcomes spread over the period. One bar per target stops being
 * readable at a few dozen targets; a histogram reads the same at ten thousand.
 */

const dayMs = 86_400_000;

export const ageBins: ComplianceReport['distributions']['ageBins'] = [
  { label: '< 1 d', fromDays: 0, toDays: 1 },
  { label: '1–7 d', fromDays: 1, toDays: 7 },
  { label: '7–30 d', fromDays: 7, toDays: 30 },
  { label: '30–60 d', fromDays: 30, toDays: 60 },
  { label: '60–90 d', fromDays: 60, toDays: 90 },
  { label: '90–180 d', fromDays: 90, toDays: 180 },
  { label: '180–365 d', fromDays: 180, toDays: 365 },
  { label: '≥ 365 d', fromDays: 365 },
];

/** Tags shown one row each in the age-by-tag figure; the rest are counted in `tagsLeftOut`. */
const maxTagRows = 12;

function binOf(ageMs: number): number {
  const days = ageMs / dayMs;
  const i = ageBins.findIndex((b) => b.toDays === undefined || days < b.toDays);
  return i < 0 ? ageBins.length - 1 : i;
}

function emptyRow(key: string): AgeRow {
  return { key, targets: 0, within: ageBins.map(() => 0), over: ageBins.map(() => 0), neverRotated: 0 };
}

function count(row: AgeRow, t: TargetCompliance): void {
  row.targets += 1;
  if (t.ageMs === undefined) {
    row.neverRotated += 1;
    return;
  }
  const over = t.maxAgeMs !== undefined && t.ageMs > t.maxAgeMs;
  const bins = over ? row.over : row.within;
  const i = binOf(t.ageMs);
  bins[i] = (bins[i] ?? 0) + 1;
}

export function ageDistributions(
  targets: readonly TargetCompliance[],
): Pick<ComplianceReport['distributions'], 'ageBins' | 'ageAll' | 'ageByKind' | 'ageByTag' | 'tagsLeftOut'> {
  const all = emptyRow('all targets');
  const byKind = new Map<string, AgeRow>();
  const byTag = new Map<string, AgeRow>();
  for (const t of targets) {
    count(all, t);
    const kindRow = byKind.get(t.kind) ?? emptyRow(t.kind);
    byKind.set(t.kind, kindRow);
    count(kindRow, t);
    for (const tag of new Set(t.tags)) {
      const tagRow = byTag.get(tag) ?? emptyRow(tag);
      byTag.set(tag, tagRow);
      count(tagRow, t);
    }
  }
  const tags = [...byTag.values()].sort((a, b) => b.targets - a.targets || (a.key < b.key ? -1 : 1));
  return {
    ageBins,
    ageAll: all,
    ageByKind: [...byKind.values()].sort((a, b) => (a.key < b.key ? -1 : 1)),
    ageByTag: tags.slice(0, maxTagRows),
    tagsLeftOut: Math.max(0, tags.length - maxTagRows),
  };
}

/** Bucket starts (ms) covering [since, until]: per day, or per week beyond 92 days. */
export function bucketStarts(since: number, until: number): { bucketDays: number; starts: number[] } {
  const bucketDays = until - since > 92 * dayMs ? 7 : 1;
  const size = bucketDays * dayMs;
  const first = Math.floor(since / dayMs) * dayMs;
  const starts: number[] = [];
  for (let start = first; start <= until; start += size) starts.push(start);
  return { bucketDays, starts };
}

/** Succeeded, failed and out-of-sync events per bucket of the period. */
export function bucketOutcomes(
  events: readonly AuditEvent[],
  since: number,
  until: number,
): ComplianceReport['distributions']['outcomes'] {
  const { bucketDays, starts } = bucketStarts(since, until);
  const size = bucketDays * dayMs;
  const first = starts[0] ?? since;
  const buckets: OutcomeBucket[] = starts.map((s) => ({
    start: new Date(s).toISOString().slice(0, 10),
    succeeded: 0,
    failed: 0,
    outOfSync: 0,
  }));
  for (const e of events) {
    const t = Date.parse(e.time);
    if (t < since || t > until) continue;
    const bucket = buckets[Math.floor((t - first) / size)];
    if (!bucket) continue;
    if (e.type === 'rotation.succeeded') bucket.succeeded += 1;
    else if (e.type === 'rotation.failed') bucket.failed += 1;
    else if (e.type === 'rotation.out_of_sync') bucket.outOfSync += 1;
  }
  return { bucketDays, buckets };
}
