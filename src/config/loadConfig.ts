import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { checkPolicyConfig } from '../policy/checkPolicyConfig.js';
import { crossReferenceIssues } from './crossReferences.js';
import { interpolateValue, type UnsetVariable } from './interpolate.js';
import { ConfigError, describeIssue, formatPath, type ConfigProblem } from './problems.js';
import { configSchema, type RotorConfig } from './schema.js';
import { keysAt, schemaAt } from './schemaWalk.js';

export const defaultConfigPath = 'config/rotor.yaml';

/** The path a command uses: `--config`, else `ROTOR_CONFIG`, else `config/rotor.yaml`. */
export function resolveConfigPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.ROTOR_CONFIG ?? defaultConfigPath;
}

/**
 * A key whose every line is commented out (`scheduling:` above `#   jitter: 10m`) parses as null:
 * read it as "not given" wherever the field is optional, so its defaults apply.
 */
function dropCommentedOut(doc: unknown, value: unknown = doc, path: (string | number)[] = []): void {
  if (value === null || typeof value !== 'object') return;
  for (const [key, item] of Object.entries(value)) {
    const at = [...path, Array.isArray(value) ? Number(key) : key];
    if (item === null && !Array.isArray(value) && schemaAt(configSchema, doc, at)?.safeParse(undefined).success) {
      delete (value as Record<string, unknown>)[key];
    } else dropCommentedOut(doc, item, at);
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
  dropCommentedOut(raw);
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
      problems.push({ file, path, message: describeIssue(issue, raw, (p) => keysAt(configSchema, raw, p)) });
    }
  }
  for (const issue of crossReferenceIssues(raw)) {
    problems.push({ file, path: formatPath(issue.path), message: issue.message });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const config = (result as { data: RotorConfig }).data;
  // Policies that no password can satisfy (alone, or with a target's connector rules) fail here,
  // at load, rather than at 3 a.m. in a rotation.
  const { conflicts } = checkPolicyConfig(config);
  if (conflicts.length > 0) throw new ConfigError(conflicts.map((message) => ({ file, path: 'policies', message })));
  return config;
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
