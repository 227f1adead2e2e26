import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import jsyaml from 'js-yaml';
import { onCleanup } from './main.js';
import { configInput, target } from './targets.js';

interface ScaleArgs {
  targets: number;
  prefix: string;
  redisUrl: string;
  vaultUrl: string;
  endpoint: string;
}

/** Target `i` of the scale config: three in four on the architecture's weekly cron (`0 3 * * 0`, UTC), one in four `every: 30d`. */
function scaleTarget(args: ScaleArgs, i: number) {
  return target({
    variant: 'iam',
    index: i,
    endpoint: args.endpoint,
    http: { ratePerSecond: 5, rateBurst: 5 },
    schedule: i % 4 === 3 ? { every: '30d' } : { cron: '0 3 * * 0', tz: 'UTC' },
  });
}

/**
 * The scale config as the file `rotor worker --config` reads: YAML, the Vault token as
 * `${VAULT_TOKEN}` (set it in the reader's environment). Written a thousand targets at a time, so
 * that a million never sit in memory whole; deleted when the benchmark ends.
 */
export async function writeScaleConfig(args: ScaleArgs): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rotor-bench-scale-'));
  onCleanup(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'rotor.yaml');
  const out = createWriteStream(file);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  const { targets: _none, ...header } = configInput({ ...args, vaultToken: '${VAULT_TOKEN}', targets: [] });
  await write(jsyaml.dump(header) + 'targets:\n');
  for (let from = 0; from < args.targets; from += 1000) {
    const chunk = Array.from({ length: Math.min(1000, args.targets - from) }, (_, k) => scaleTarget(args, from + k));
    await write(jsyaml.dump(chunk));
  }
  out.end();
  await once(out, 'finish');
  return file;
}
