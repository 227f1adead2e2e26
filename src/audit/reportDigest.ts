import { createHash } from 'node:crypto';
import { canonicalJson } from './canonicalJson.js';
import type { ComplianceReport } from './reportModel.js';

/**
 * The report's digest: `sha256:` of the canonical JSON of its model. The same for the JSON file (which
 * parses back to the model) and the HTML page (which shows it), so a signature over it speaks for both.
 */
export function reportDigest(report: ComplianceReport | unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(report), 'utf8').digest('hex')}`;
}

/** `sha256:` of a file's bytes (the config file, a report file). */
export function bytesDigest(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
