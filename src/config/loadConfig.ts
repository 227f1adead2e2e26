import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { checkPolicyConfig } from '../policy/checkPolicyConfig.js';
import { crossReferenceIssues } from './crossReferences.js';
import { interpolateValue, type UnsetVariable } from './interpolate.js';
import { deferVaultCredentials, takeVaultCredentials } from './lazyCredentials.js';
import { ConfigError, describeIssue, formatPath, type ConfigProblem } from './problems.js';
import { configSchema, type RotorConfig } from './schema.js';

export const defaultConfigPath = 'config/rotor.yaml';

const optionalSections = new Set([
  'redis',
  'worker',
  'policies',
  'credentials',
  'targets',
  'alerts',
  'rotation',
  'audit',
  'http',
]);

/** The path a command uses: `--config`, else `ROTOR_CONFIG`, else `config/rotor.yaml`. */
export function resolveConfigPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.ROTOR_CONFIG ?? defaultConfigPath;
}

/** The keys a strict object at `path` accepts, for "did you mean" hints. */
function knownKeysAt(raw: unknown, path: PropertyKey[]): string[] {
  let schema: z.ZodType = configSchema;
  let value: unknown = raw;
  for (const part of path) {
    value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[part] : undefined;
    schema = unwrap(schema);
    if (schema instanceof z.ZodObject) schema = schema.shape[String(part)] ?? schema;
    else if (schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
    else if (schema instanceof z.ZodRecord) schema = schema.valueType as z.ZodType;
  }
  schema = unwrap(schema);
  if (schema instanceof z.ZodDiscriminatedUnion && value && typeof value === 'object') {
    const kind = (value as Record<string, unknown>).kind;
    const option = (schema.options as z.ZodType[]).find(
      (o) =>
        o instanceof z.ZodObject &&
        (o.shape as Record<string, z.ZodType>).kind instanceof z.ZodLiteral &&
        ((o.shape as Record<string, z.ZodLiteral>).kind as z.ZodLiteral).value === kind,
    );
    if (option instanceof z.ZodObject) return Object.keys(option.shape);
  }
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s: z.ZodType = schema;
  for (;;) {
    if (s instanceof z.ZodDefault || s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
    else if (s instanceof z.ZodPipe) s = s.in as z.ZodType;
    else return s;
  }
}

/**
 * Parses and validates a config document. Collects *every* problem (YAML syntax, unset variables,
 * schema) before failing, because fixing a config one error per run is miserable.
 */
export function parseConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env): RotorConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: ConfigProblem[] = doc.errors.map((e) => {
    const pos = lineCounter.linePos(e.pos[0]);
    return { file: `${file}:${pos.line}:${pos.col}`, path: '', message: `YAML: ${e.message.split('\n')[0]}` };
  });
  if (problems.length > 0) throw new ConfigError(problems);

  const unset: UnsetVariable[] = [];
  const raw = interpolateValue(doc.toJS() ?? {}, env, unset);
  // Vault credentials are checked when Vault is opened, not here (lazyCredentials.ts).
  const vaultCredentials = takeVaultCredentials(raw, unset, file);
  // A section whose every line is commented out parses as null: read it as "not given".
  if (raw !== null && typeof raw === 'object') {
    for (const [key, value] of Object.entries(raw)) {
      if (value === null && optionalSections.has(key)) delete (raw as Record<string, unknown>)[key];
    }
  }
  for (const u of unset) {
    problems.push({
      file,
      path: formatPath(u.path),
      message: `environment variable ${u.name} is not set (and no default given)`,
    });
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = formatPath(issue.path);
      // An unset variable already explains the empty value it produced.
      if (unset.some((u) => formatPath(u.path) === path)) continue;
      problems.push({ file, path, message: describeIssue(issue, raw, (p) => knownKeysAt(raw, p)) });
    }
  }
  for (const issue of crossReferenceIssues(raw)) {
    problems.push({ file, path: formatPath(issue.path), message: issue.message });
  }
  // A file that fails anyway lists every problem, the unset Vault credentials too.
  if (problems.length > 0) throw new ConfigError([...problems, ...vaultCredentials.problems]);
  const config = (result as { data: RotorConfig }).data;
  // Policies that no password can satisfy (alone, or with a target's connector rules) fail here,
  // at load, rather than at 3 a.m. in a rotation.
  const { conflicts } = checkPolicyConfig(config);
  if (conflicts.length > 0) throw new ConfigError(conflicts.map((message) => ({ file, path: 'policies', message })));
  return deferVaultCredentials(config, vaultCredentials);
}

export async function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<RotorConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new ConfigError([
      { file, path: '', message: `cannot read config: ${reason} (set --config or ROTOR_CONFIG)` },
    ]);
  }
  return parseConfig(text, file, env);
}
