import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { buildComplianceReport } from '../../src/audit/complianceReport.js';
import { loadControlMapping } from '../../src/audit/controlMapping.js';
import { renderReport } from '../../src/audit/renderReport.js';
import { largeScenario } from './largeScenario.js';
import { scenarioInput } from './reportScenario.js';

/** The published schema, read as a user would: docs/report.schema.json. */
const schema = JSON.parse(readFileSync(new URL('../../docs/report.schema.json', import.meta.url), 'utf8')) as object;
const ajv = new Ajv2020({ allErrors: true, strict: true });
// RFC 3339 date-time, as JSON Schema's "date-time" format means it (ajv leaves formats to a plug-in).
ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
const validate = ajv.compile(schema);

/** The JSON form exactly as rotor writes it, parsed back. */
function asWritten(report: ReturnType<typeof buildComplianceReport>): unknown {
  return JSON.parse(renderReport(report, 'json'));
}

function problems(value: unknown): string[] {
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

describe('docs/report.schema.json', () => {
  it('accepts the report of the known history, with its chain evidence and the shipped control mapping', async () => {
    const controls = await loadControlMapping();
    const report = buildComplianceReport({
      ...scenarioInput,
      controls,
      generator: { rotorVersion: '0.1.0', configDigest: `sha256:${'a'.repeat(64)}` },
      chain: {
        checked: true,
        intact: true,
        head: { seq: 17, hash: 'b'.repeat(64) },
        events: 17,
        keptFrom: 0,
        anchors: {
          status: 'ok',
          checked: 2,
          latest: { seq: 16, hash: 'c'.repeat(64), time: '2025-03-31T11:55:00.000Z', version: 2 },
          problems: [],
        },
      },
    });
    expect(problems(asWritten(report))).toEqual([]);
  });

  it('accepts the report of 10,000 targets, a one-target report and a drifted target', () => {
    const input = largeScenario(10_000);
    expect(problems(asWritten(buildComplianceReport(input)))).toEqual([]);
    const one = buildComplianceReport({ ...input, targetId: input.targets[17]?.id });
    expect(problems(asWritten(one))).toEqual([]);
    const drifted = buildComplianceReport({
      ...scenarioInput,
      events: [
        ...scenarioInput.events,
        {
          time: '2025-03-30T00:00:00Z',
          type: 'heartbeat.checked',
          actor: 'worker',
          targetId: 'iam-alice',
          outcome: 'drifted',
        },
      ],
    });
    expect(drifted.summary.byStatus.drifted).toBe(1);
    expect(problems(asWritten(drifted))).toEqual([]);
  });

  it('refuses a report with an unknown status, a missing summary figure or a field it does not define', () => {
    const report = asWritten(buildComplianceReport(scenarioInput)) as {
      targets: Array<Record<string, unknown>>;
      summary: Record<string, unknown>;
    };
    const bad = structuredClone(report);
    (bad.targets[0] as Record<string, unknown>).status = 'fine';
    expect(problems(bad)).toContainEqual(
      expect.stringMatching(/^\/targets\/0\/status must be equal to one of the allowed values/),
    );
    const missing = structuredClone(report);
    delete missing.summary.shareCompliant;
    expect(problems(missing)).toContainEqual("/summary must have required property 'shareCompliant'");
    const extra = structuredClone(report);
    (extra.targets[0] as Record<string, unknown>).password = 'hunter2';
    expect(problems(extra)).toContainEqual('/targets/0 must NOT have additional properties');
  });
});
