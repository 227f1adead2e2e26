import { describe, expect, it } from '@jest/globals';
import { loadControlMapping, parseControlMapping } from '../../src/audit/controlMapping.js';
import { ConfigError, formatProblem } from '../../src/config/problems.js';

function problemsOf(source: string): string[] {
  try {
    parseControlMapping('controls.yaml', source);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => formatProblem(p));
    throw err;
  }
  return [];
}

describe('the control mapping', () => {
  it('ships PCI DSS 8.3.9 and 8.6.3, NIST SP 800-53 IA-5(1) and ISO/IEC 27001 A.5.17, each answered by figures', async () => {
    const controls = await loadControlMapping();
    expect(controls.map((c) => `${c.framework} ${c.id}`)).toEqual([
      'PCI DSS v4.0 8.3.9',
      'PCI DSS v4.0 8.6.3',
      'NIST SP 800-53 Rev. 5 IA-5(1)',
      'ISO/IEC 27001:2022 A.5.17',
    ]);
    const pci839 = controls[0];
    expect(pci839?.evidence.map((e) => e.figure)).toEqual([
      'schedules',
      'age-histogram',
      'exceptions',
      'compliance-over-time',
      'chain',
    ]);
    expect(controls.every((c) => c.evidence.every((e) => e.shows.length > 20))).toBe(true);
  });

  it("reads an organisation's own mapping", () => {
    const controls = parseControlMapping(
      'ours.yaml',
      [
        'controls:',
        '  - { framework: Internal, id: 4.2, title: Vault passwords, requirement: Rotated monthly.,',
        '      evidence: [{ figure: schedules, shows: Monthly schedules. }] }',
      ].join('\n'),
    );
    expect(controls).toEqual([
      {
        framework: 'Internal',
        id: '4.2',
        title: 'Vault passwords',
        requirement: 'Rotated monthly.',
        evidence: [{ figure: 'schedules', shows: 'Monthly schedules.' }],
      },
    ]);
  });

  it('names the line, the field and the figures it knows when a mapping is wrong', () => {
    expect(
      problemsOf(
        [
          'controls:',
          '  - framework: PCI DSS v4.0',
          "    id: '8.3.9'",
          '    title: Ninety days',
          '    requirement: Changed every 90 days.',
          '    evidence:',
          '      - figure: age-chart',
          '        shows: ages',
          '  - framework: ISO',
          '    id: A.5.17',
          '    titel: Authentication information',
          '    requirement: Managed.',
          '    evidence: []',
        ].join('\n'),
      ),
    ).toEqual([
      expect.stringMatching(
        /^controls\.yaml:7:17: controls\[0\]\.evidence\[0\]\.figure: expected one of the report's figures \(share-compliant \| .* \| generator\), got "age-chart"$/,
      ),
      'controls.yaml:9:5: controls[1].title: expected a title as text',
      'controls.yaml:13:15: controls[1].evidence: expected at least one figure that answers the control',
      'controls.yaml:9:5: controls[1]: expected only the documented keys: unknown key titel',
    ]);
  });

  it('says which file it could not read', async () => {
    await expect(loadControlMapping('/nonexistent/controls.yaml')).rejects.toThrow(ConfigError);
    await loadControlMapping('/nonexistent/controls.yaml').catch((err: ConfigError) => {
      expect(err.problems.map((p) => formatProblem(p))).toEqual([
        '/nonexistent/controls.yaml: cannot read the control mapping (audit.controls): ENOENT',
      ]);
    });
  });
});
