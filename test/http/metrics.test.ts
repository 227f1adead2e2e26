import { describe, expect, it } from '@jest/globals';
import { buildComplianceReport } from '../../src/audit/complianceReport.js';
import { checkVault } from '../../src/observability/health.js';
import { makeMetrics } from '../../src/observability/metrics.js';
import { scenarioInput } from '../audit/reportScenario.js';
import { parsePromText } from './promText.js';

describe('makeMetrics', () => {
  it('sets the oldest password age per kind and the out-of-sync count from a compliance report', async () => {
    const metrics = makeMetrics({ defaultMetrics: false });
    metrics.recordCompliance(buildComplianceReport(scenarioInput));
    const families = parsePromText(await metrics.registry.metrics());
    const ages = families.get('rotor_oldest_password_age_seconds')?.samples ?? [];
    // The oldest stamps: frank (iam, 85.375 d), bob (meeting, 49.375 d), cbh-prod (11.375 d).
    expect(Object.fromEntries(ages.map((s) => [s.labels.kind, s.value / 86_400]))).toEqual({
      'huawei-iam-user': 85.375,
      'huawei-meeting-user': 49.375,
      'huawei-cbh-admin': 11.375,
    });
    expect(families.get('rotor_targets_out_of_sync')?.samples[0]?.value).toBe(1);
  });

  it('builds the compliance gauges at scrape time, so the first scrape waits for a report still being built', async () => {
    const metrics = makeMetrics({ defaultMetrics: false });
    let builds = 0;
    metrics.complianceFrom(async () => {
      builds += 1;
      await new Promise((r) => setTimeout(r, 200));
      return buildComplianceReport(scenarioInput);
    });
    const families = parsePromText(await metrics.registry.metrics());
    expect(families.get('rotor_oldest_password_age_seconds')?.samples).toHaveLength(3);
    expect(families.get('rotor_targets_out_of_sync')?.samples[0]?.value).toBe(1);
    expect(builds).toBe(1); // one report per scrape for both gauges
  });

  it('keeps the last compliance figures when the report cannot be built during a scrape', async () => {
    const metrics = makeMetrics({ defaultMetrics: false });
    let fail = false;
    metrics.complianceFrom(async () => {
      if (fail) throw new Error('vault sealed');
      return buildComplianceReport(scenarioInput);
    });
    const before = await metrics.registry.metrics();
    fail = true;
    const after = await metrics.registry.metrics();
    expect(after).toContain('rotor_targets_out_of_sync 1');
    expect(after.match(/^rotor_oldest_password_age_seconds\{.*$/gm)).toEqual(
      before.match(/^rotor_oldest_password_age_seconds\{.*$/gm),
    );
  });

  it('names no gauge like a counter, and keeps the process and heap metrics', async () => {
    const families = parsePromText(await makeMetrics().registry.metrics());
    const misnamed = [...families.values()].filter((f) => f.name.endsWith('_total') && f.type !== 'counter');
    expect(misnamed.map((f) => `${f.name} (${f.type})`)).toEqual([]);
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_active_handles',
    ]) {
      expect({ name, present: families.has(name) }).toEqual({ name, present: true });
    }
  });

  it('keeps free-form text out of labels', async () => {
    const metrics = makeMetrics({ defaultMetrics: false });
    metrics.countRotation('huawei-iam-user', 'succeeded');
    metrics.observeStep('huawei-iam-user', 'commit with password=hunter2', 1);
    const text = await metrics.registry.metrics();
    expect(text).not.toContain('hunter2');
    expect(text).toContain('step="invalid"');
  });

  it('keeps the last queue depth when the queue cannot be read during a scrape', async () => {
    let fail = false;
    const metrics = makeMetrics({
      defaultMetrics: false,
      queueDepth: async () => {
        if (fail) throw new Error('redis down');
        return { waiting: 3 };
      },
    });
    expect(await metrics.registry.metrics()).toContain('rotor_queue_depth{state="waiting"} 3');
    fail = true;
    expect(await metrics.registry.metrics()).toContain('rotor_queue_depth{state="waiting"} 3');
  });
});

describe('checkVault', () => {
  it('reports a Vault that does not answer in time as unready instead of hanging', async () => {
    const started = Date.now();
    expect(await checkVault({ health: () => new Promise(() => undefined) }, 100)).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
