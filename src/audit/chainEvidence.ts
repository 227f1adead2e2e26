import type { AuditVerdict } from './redisAuditLog.js';
import type { AnchorEvidence, ChainEvidence } from './reportModel.js';

const anchorsNotChecked: AnchorEvidence = { status: 'not-checked', checked: 0, problems: [] };

/** What the report says about the audit chain its figures come from, checked when it is generated. */
export function chainEvidence(verdict: AuditVerdict, anchors: AnchorEvidence = anchorsNotChecked): ChainEvidence {
  const keptFrom = verdict.anchor.seq;
  if (!verdict.ok) {
    return { checked: true, intact: false, problem: verdict.problem.message, events: verdict.count, keptFrom, anchors };
  }
  return { checked: true, intact: true, head: verdict.head, events: verdict.count, keptFrom, anchors };
}
