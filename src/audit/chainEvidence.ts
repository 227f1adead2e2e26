import type { RedisClient } from '../types/redis.js';
import { checkAnchors, readAnchorMark, type AnchorStore } from './anchors.js';
import type { AuditLog, AuditVerdict } from './redisAuditLog.js';
import type { AnchorEvidence, ChainEvidence } from './reportModel.js';

const anchorsNotChecked: AnchorEvidence = { status: 'not-checked', checked: 0, problems: [] };

export interface ChainCheck {
  verdict: AuditVerdict;
  anchors: AnchorEvidence;
}

/**
 * The chain kept in Redis checked link by link, then against every anchor Vault holds (without a
 * store, the anchors are "not checked"). Used by `rotor audit verify`, and by every report.
 */
export async function checkChain(deps: {
  log: Pick<AuditLog, 'verify'>;
  anchors?: { store: AnchorStore; redis: RedisClient; prefix: string; everyMs: number };
  now?: Date;
}): Promise<ChainCheck> {
  const verdict = await deps.log.verify();
  if (!deps.anchors) return { verdict, anchors: anchorsNotChecked };
  const { store, redis, prefix, everyMs } = deps.anchors;
  const [read, mark] = await Promise.all([store.readAll(), readAnchorMark(redis, prefix)]);
  // A broken chain has no trustworthy head: compare the anchors with what was read up to the break.
  const head = verdict.ok ? verdict.head : { seq: Number.MAX_SAFE_INTEGER, hash: '' };
  const anchors = checkAnchors({
    read,
    trimmed: verdict.anchor,
    head,
    hashAt: verdict.hashAt,
    firstTime: verdict.firstTime,
    mark,
    everyMs,
    now: deps.now ?? new Date(),
    path: store.path,
  });
  return { verdict, anchors };
}

/** What the report says about the audit chain its figures come from, checked when it is generated. */
export function chainEvidence(check: ChainCheck | AuditVerdict): ChainEvidence {
  const { verdict, anchors } = 'verdict' in check ? check : { verdict: check, anchors: anchorsNotChecked };
  const keptFrom = verdict.anchor.seq;
  if (!verdict.ok) {
    return { checked: true, intact: false, problem: verdict.problem.message, events: verdict.count, keptFrom, anchors };
  }
  return { checked: true, intact: true, head: verdict.head, events: verdict.count, keptFrom, anchors };
}
