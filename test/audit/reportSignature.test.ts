import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { buildComplianceReport } from '../../src/audit/complianceReport.js';
import { renderReport } from '../../src/audit/renderReport.js';
import { reportDigest } from '../../src/audit/reportDigest.js';
import { signReport, verifyReportSignature } from '../../src/audit/reportSignature.js';
import { scenarioInput } from './reportScenario.js';

const ours = generateKeyPairSync('ed25519');
const theirs = generateKeyPairSync('ed25519');
const report = buildComplianceReport(scenarioInput);
const digest = reportDigest(report);

function signed(format: 'json' | 'csv' | 'html', key = ours.privateKey) {
  const body = renderReport(report, format);
  const signature = signReport({ bytes: body, file: `report.${format}`, reportDigest: digest, privateKey: key });
  return {
    bytes: Buffer.from(body, 'utf8'),
    signature: JSON.parse(JSON.stringify(signature)) as Record<string, unknown>,
  };
}

describe('signed reports', () => {
  it.each(['json', 'csv', 'html'] as const)(
    'a %s report verifies against its signature and the pinned key',
    (format) => {
      const { bytes, signature } = signed(format);
      expect(verifyReportSignature({ bytes, signature })).toMatchObject({ ok: true, pinned: false });
      expect(verifyReportSignature({ bytes, signature, pinnedKey: ours.publicKey })).toMatchObject({
        ok: true,
        pinned: true,
        signature: { reportDigest: digest, algorithm: 'Ed25519' },
      });
    },
  );

  it('the HTML shows the digest the signature covers, and the JSON recomputes to it', () => {
    expect(renderReport(report, 'html')).toContain(`<code id="report-digest">${digest}</code>`);
    expect(reportDigest(JSON.parse(renderReport(report, 'json')))).toBe(digest);
  });

  it('any changed byte of the report fails verification', () => {
    const { bytes, signature } = signed('html');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, flip) => {
        const changed = Buffer.from(bytes);
        changed[at] = (changed[at] as number) ^ flip;
        const verdict = verifyReportSignature({ bytes: changed, signature });
        return !verdict.ok && verdict.problem.startsWith('the report was changed after it was signed');
      }),
      { numRuns: 300 },
    );
    const appended = Buffer.concat([bytes, Buffer.from('\n')]);
    expect(verifyReportSignature({ bytes: appended, signature })).toMatchObject({ ok: false });
  });

  it('a signature file edited to cover other bytes fails, naming the .sig', () => {
    const { bytes, signature } = signed('json');
    const changed = Buffer.from(bytes.toString('utf8').replace('"compliant": 2', '"compliant": 7'));
    const forged = { ...signature, fileDigest: `sha256:${'0'.repeat(64)}` };
    expect(verifyReportSignature({ bytes: changed, signature: forged })).toEqual({
      ok: false,
      problem: 'the signature does not match its statement (the .sig file was changed)',
    });
  });

  it("a report re-signed with someone else's key passes on its own but fails against the pinned key", () => {
    const { bytes, signature } = signed('html', theirs.privateKey);
    expect(verifyReportSignature({ bytes, signature }).ok).toBe(true);
    expect(verifyReportSignature({ bytes, signature, pinnedKey: ours.publicKey })).toEqual({
      ok: false,
      problem: expect.stringMatching(
        /^signed by key sha256:[0-9a-f]{16}, not by the expected key sha256:[0-9a-f]{16}$/,
      ),
    });
  });

  it('refuses a file that is not a signature, and a key swapped in without re-signing', () => {
    const { bytes, signature } = signed('csv');
    expect(verifyReportSignature({ bytes, signature: { format: 'x' } })).toEqual({
      ok: false,
      problem: 'not a rotor-report-signature/1 signature file',
    });
    const other = signed('csv', theirs.privateKey).signature;
    const swapped = { ...signature, publicKey: other.publicKey, keyId: other.keyId };
    expect(verifyReportSignature({ bytes, signature: swapped })).toMatchObject({ ok: false });
  });
});
