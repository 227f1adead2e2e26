import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from './canonicalJson.js';
import { bytesDigest, reportDigest } from './reportDigest.js';

/**
 * Detached signatures for compliance reports (Ed25519, node:crypto). The signature covers a short
 * statement: the report file's digest (any changed byte fails), the digest of the report's model (the
 * one the HTML shows), when, and by which key. The statement travels in a `.sig` file next to the
 * report, with the public key, so `rotor audit verify-report` needs no config and no network.
 */
export const signatureFormat = 'rotor-report-signature/1';

export interface ReportSignature {
  format: typeof signatureFormat;
  algorithm: 'Ed25519';
  /** The report file's name when signed (informative: the digest is what counts). */
  file: string;
  /** `sha256:` of the report file's bytes. */
  fileDigest: string;
  /** `sha256:` of the report model's canonical JSON: shown in the HTML, recomputable from the JSON. */
  reportDigest: string;
  signedAt: string;
  /** The signer's public key, SPKI PEM. */
  publicKey: string;
  /** `sha256:` of the public key's DER bytes, first 16 hex digits: a short name to pin and compare. */
  keyId: string;
  /** Base64 Ed25519 signature over the canonical JSON of every field above. */
  signature: string;
}

export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(der).digest('hex').slice(0, 16)}`;
}

export function signReport(args: {
  bytes: Uint8Array | string;
  file: string;
  reportDigest: string;
  privateKey: KeyObject;
  now?: Date;
}): ReportSignature {
  const publicKey = createPublicKey(args.privateKey);
  const statement = {
    format: signatureFormat as typeof signatureFormat,
    algorithm: 'Ed25519' as const,
    file: args.file,
    fileDigest: bytesDigest(args.bytes),
    reportDigest: args.reportDigest,
    signedAt: (args.now ?? new Date()).toISOString(),
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
  };
  const signature = sign(null, Buffer.from(canonicalJson(statement), 'utf8'), args.privateKey).toString('base64');
  return { ...statement, signature };
}

export type SignatureVerdict =
  { ok: true; signature: ReportSignature; pinned: boolean } | { ok: false; problem: string };

/**
 * Checks, in order: the signature file's shape, the signature over its statement, the key (when a
 * pinned one is given), the report's bytes, and the model digest the report itself states (HTML) or
 * gives (JSON). The first failure is the answer.
 */
export function verifyReportSignature(args: {
  bytes: Buffer;
  signature: unknown;
  pinnedKey?: KeyObject;
}): SignatureVerdict {
  const sig = args.signature;
  if (!isSignature(sig)) return { ok: false, problem: `not a ${signatureFormat} signature file` };
  const { signature, ...statement } = sig;
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(sig.publicKey);
  } catch {
    return { ok: false, problem: 'the signature file holds no usable public key' };
  }
  if (publicKey.asymmetricKeyType !== 'ed25519' || keyIdOf(publicKey) !== sig.keyId) {
    return { ok: false, problem: 'the signature file names a key it does not hold' };
  }
  const valid = verify(
    null,
    Buffer.from(canonicalJson(statement), 'utf8'),
    publicKey,
    Buffer.from(signature, 'base64'),
  );
  if (!valid) return { ok: false, problem: 'the signature does not match its statement (the .sig file was changed)' };
  if (args.pinnedKey && keyIdOf(args.pinnedKey) !== sig.keyId) {
    return { ok: false, problem: `signed by key ${sig.keyId}, not by the expected key ${keyIdOf(args.pinnedKey)}` };
  }
  const actual = bytesDigest(args.bytes);
  if (actual !== sig.fileDigest) {
    return {
      ok: false,
      problem: `the report was changed after it was signed: it is ${actual}, the signature covers ${sig.fileDigest}`,
    };
  }
  const stated = statedReportDigest(args.bytes);
  if (stated !== undefined && stated !== sig.reportDigest) {
    return { ok: false, problem: `the report states digest ${stated}, the signature covers ${sig.reportDigest}` };
  }
  return { ok: true, signature: sig, pinned: args.pinnedKey !== undefined };
}

/** The model digest a report states: the HTML's meta tag, or the JSON's own recomputed; none for CSV. */
function statedReportDigest(bytes: Buffer): string | undefined {
  const text = bytes.toString('utf8');
  const meta = /<meta name="rotor-report-digest" content="(sha256:[0-9a-f]{64})">/.exec(text);
  if (meta) return meta[1];
  if (text.trimStart().startsWith('{')) {
    try {
      return reportDigest(JSON.parse(text) as unknown);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function isSignature(value: unknown): value is ReportSignature {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  const fields = ['file', 'fileDigest', 'reportDigest', 'signedAt', 'publicKey', 'keyId', 'signature'];
  return (
    v.format === signatureFormat &&
    v.algorithm === 'Ed25519' &&
    fields.every((f) => typeof v[f] === 'string') &&
    Object.keys(v).length === fields.length + 2
  );
}
