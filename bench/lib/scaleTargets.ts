import { configInput, target, type ConfigInput } from './targets.js';

/**
 * N IAM targets with schedules, the same in every process that builds them: three in four on the
 * architecture's weekly cron (`0 3 * * 0`, UTC), one in four `every: 30d`.
 */
export function scaleConfigInput(args: {
  targets: number;
  prefix: string;
  redisUrl: string;
  vaultUrl: string;
  vaultToken: string;
  endpoint: string;
}): ConfigInput {
  const targets = Array.from({ length: args.targets }, (_, i) =>
    target({
      variant: 'iam',
      index: i,
      endpoint: args.endpoint,
      http: { ratePerSecond: 5, rateBurst: 5 },
      schedule: i % 4 === 3 ? { every: '30d' } : { cron: '0 3 * * 0', tz: 'UTC' },
    }),
  );
  return configInput({ ...args, targets });
}
