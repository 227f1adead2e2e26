import { checkPolicyConfig } from '../connectors/kindPolicy.js';
import type { PolicyConfigReport } from '../policy/checkPolicyConfig.js';
import { formatDuration } from './duration.js';
import { describeSchedule, longestInterval } from './scheduleInterval.js';
import type { RotorConfig } from './schema.js';

/** Something allowed but probably not meant, at a place in the document. */
export interface ConfigNotice {
  path: (string | number)[];
  message: string;
  /** Where to point when not at `path` itself. */
  locate?: (string | number)[];
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

const written = (value: unknown) => typeof value === 'string' && value !== '' && !value.includes('${');

/**
 * Secrets written into the file itself rather than taken from the environment: anyone who can read
 * the file (or its history in version control) holds them. Checked on the document as written,
 * before `${VAR}` is replaced; the value is never repeated in the warning.
 */
export function literalSecretWarnings(document: unknown): ConfigNotice[] {
  const notices: ConfigNotice[] = [];
  const auth = record(record(record(document).vault).auth);
  if (written(auth.token)) {
    notices.push({
      path: ['vault', 'auth', 'token'],
      message:
        'the Vault token is written in the file, where anyone who can read the file can use it: ' +
        'set VAULT_TOKEN in the environment and write token: "${VAULT_TOKEN}"',
    });
  }
  if (written(auth.secretId)) {
    notices.push({
      path: ['vault', 'auth', 'secretId'],
      message:
        'the AppRole secret id is written in the file: write secretId: "${VAULT_SECRET_ID}" ' +
        '(set in the environment) or use secretIdFile',
    });
  }
  const headers = record(record(record(record(document).alerts).webhook).headers);
  for (const [name, value] of Object.entries(headers)) {
    if (/authorization|token|key|secret/i.test(name) && written(value)) {
      notices.push({
        path: ['alerts', 'webhook', 'headers', name],
        message: `the webhook's ${name} header is written in the file: write it as "Bearer \${ROTOR_WEBHOOK_TOKEN}" and set that variable`,
      });
    }
  }
  return notices;
}

/**
 * A policy message ("target iam-alice: policy strong ...", "policy strong: ...") placed at the target
 * or the policy it is about, so it gets a line and column.
 */
export function placePolicyMessage(config: Pick<RotorConfig, 'targets'>, message: string): ConfigNotice {
  const target = /^target (\S+): (.*)$/s.exec(message);
  const index = target ? config.targets.findIndex((t) => t.id === target[1]) : -1;
  if (target && index >= 0) return { path: ['targets', index, 'policy'], message: target[2] as string };
  const policy = /^policy (\S+?)(: |[( ])/.exec(message);
  if (!policy) return { path: ['policies'], message };
  // "policies.strong: policy strong: ..." would say the name twice.
  const rest = policy[2] === ': ' ? message.slice(policy[0].length) : message;
  return { path: ['policies', policy[1] as string], message: rest };
}

/** Things that are allowed but probably not meant. Policy warnings (entropy) join here from the policy engine. */
export function configWarnings(
  config: RotorConfig,
  policyReport: PolicyConfigReport = checkPolicyConfig(config),
): ConfigNotice[] {
  const notices: ConfigNotice[] = [];
  config.targets.forEach((t, i) => {
    if (t.insecureSkipVerify) {
      notices.push({ path: ['targets', i, 'insecureSkipVerify'], message: `TLS verification is OFF for ${t.id}` });
    }
    if (t.maxAge !== undefined && t.schedule !== undefined) {
      const interval = longestInterval(t.schedule);
      if (t.maxAge < interval) {
        const schedule = describeSchedule(t.schedule, formatDuration);
        const gap = 'every' in t.schedule ? '' : `: up to ${formatDuration(interval)} between rotations`;
        notices.push({
          path: ['targets', i],
          locate: ['targets', i, 'maxAge'],
          message:
            `maxAge ${formatDuration(t.maxAge)} is shorter than its schedule (${schedule}${gap}): it will be ` +
            'overdue between rotations; make maxAge longer or the schedule more frequent',
        });
      }
    }
  });
  notices.push(...policyReport.warnings.map((w) => placePolicyMessage(config, w)));
  return notices;
}
