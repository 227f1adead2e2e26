import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { interpolateValue, type UnsetVariable } from '../../src/config/interpolate.js';
import { repoRoot } from './runCli.js';

export type HttpExample = 'meeting' | 'iam';

export const httpExampleFile = (example: HttpExample): string =>
  join(repoRoot, 'config', 'examples', `http-huawei-${example}.yaml`);

/**
 * The one target of `config/examples/http-huawei-<example>.yaml`, with its `${HTTP_EXAMPLE_*}`
 * variables set from `env` as the config loader would: what a user gets by dropping the file in.
 */
export function httpExampleTarget(example: HttpExample, env: Record<string, string>): Record<string, unknown> {
  const doc = parse(readFileSync(httpExampleFile(example), 'utf8')) as { targets: unknown[] };
  const unset: UnsetVariable[] = [];
  const [target] = interpolateValue(doc.targets, env, unset) as Record<string, unknown>[];
  if (unset.length > 0) throw new Error(`example ${example}: ${unset.map((u) => u.name).join(', ')} not set`);
  if (!target) throw new Error(`example ${example}: no target`);
  return target;
}
