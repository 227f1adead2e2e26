import { readFile } from 'node:fs/promises';
import { checkPolicyConfig } from '../connectors/kindPolicy.js';
import { connectors, targetSchemaOf, type ConnectorRegistry } from '../connectors/registry.js';
import { crossReferenceIssues } from './crossReferences.js';
import { interpolateValue, typedValue, type InterpolatedValue, type UnsetVariable } from './interpolate.js';
import { deferVaultCredentials, takeVaultCredentials } from './lazyCredentials.js';
import { ConfigError, describeIssue, formatPath, type ConfigProblem } from './problems.js';
import { accountIssues, configSchemaFor, type RotorConfig } from './schema.js';
import { keysAt, scalarKindAt, schemaAt, valueAt } from './schemaWalk.js';
import { configWarnings, literalSecretWarnings, placePolicyMessage, type ConfigNotice } from './warnings.js';
import { readYamlSource } from './yamlSource.js';

export const defaultConfigPath = 'config/rotor.yaml';

type ConfigSchema = ReturnType<typeof configSchemaFor>;

/** A valid config, and what in it is allowed but probably not meant (each with its place). */
export interface LoadedConfig {
  config: RotorConfig;
  warnings: ConfigProblem[];
}

/** The path a command uses: `--config`, else `ROTOR_CONFIG`, else `config/rotor.yaml`. */
export function resolveConfigPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.ROTOR_CONFIG ?? defaultConfigPath;
}

/**
 * A key whose every line is commented out (`scheduling:` above `#   jitter: 10m`) parses as null:
 * read it as "not given" wherever the field is optional, so its defaults apply.
 */
function dropCommentedOut(
  configSchema: ConfigSchema,
  doc: unknown,
  value: unknown = doc,
  path: (string | number)[] = [],
): void {
  if (value === null || typeof value !== 'object') return;
  for (const [key, item] of Object.entries(value)) {
    const at = [...path, Array.isArray(value) ? Number(key) : key];
    if (item === null && !Array.isArray(value) && schemaAt(configSchema, doc, at)?.safeParse(undefined).success) {
      delete (value as Record<string, unknown>)[key];
    } else dropCommentedOut(configSchema, doc, item, at);
  }
}

/** `concurrency: ${C:-4}` is the number 4: a whole-scalar variable takes the type its field wants. */
function typeWholeVariables(
  configSchema: ConfigSchema,
  doc: unknown,
  interpolated: readonly InterpolatedValue[],
): void {
  for (const { path, whole } of interpolated) {
    const key = path[path.length - 1];
    const parent = valueAt(doc, path.slice(0, -1));
    const value = valueAt(doc, path);
    if (!whole || key === undefined || typeof value !== 'string' || parent === null || typeof parent !== 'object')
      continue;
    const wanted = scalarKindAt(configSchema, doc, path);
    if (wanted) (parent as Record<string | number, unknown>)[key] = typedValue(value, wanted);
  }
}

/**
 * Parses and validates a config document. Collects *every* problem (unset variables, schema, cross
 * references) before failing, because fixing a config one error per run is miserable; each names
 * the line and column, the YAML path, what was expected and what was found.
 */
export function parseConfigWithWarnings(
  text: string,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
  /** The kinds of target the config may hold (a test may add one). */
  registry: ConnectorRegistry = connectors,
): LoadedConfig {
  const configSchema = configSchemaFor(registry);
  const source = readYamlSource(text, file);
  const at = (path: readonly PropertyKey[], where: 'value' | 'key' = 'value') => ({
    file,
    ...source.positionOf(path, where),
  });
  // What does not stop the load names its line only where that is cheap (yamlSource.ts).
  const hint = (path: readonly PropertyKey[], where: 'value' | 'key' = 'value') => ({
    file,
    ...source.positionIfCheap(path, where),
  });

  const problems: ConfigProblem[] = [];
  const unset: UnsetVariable[] = [];
  const interpolated: InterpolatedValue[] = [];
  // Which secrets are written in the file is read before interpolation, which changes the value in place.
  const literalSecrets = literalSecretWarnings(source.value);
  const raw = interpolateValue(source.value, env, unset, [], interpolated);
  // Vault credentials are checked when Vault is opened, not here (lazyCredentials.ts).
  const vaultCredentials = takeVaultCredentials(raw, unset, (path) => hint(path));
  dropCommentedOut(configSchema, raw);
  typeWholeVariables(configSchema, raw, interpolated);
  const sourceOf = (path: readonly PropertyKey[]) =>
    interpolated.find((i) => formatPath(i.path) === formatPath(path))?.source;
  for (const u of unset) {
    problems.push({
      ...at(u.path),
      path: formatPath(u.path),
      message: `environment variable ${u.name} is not set (and no default given)`,
    });
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) {
      for (const report of describeIssue(issue, raw, (p) => keysAt(configSchema, raw, p), sourceOf)) {
        const path = formatPath(report.path);
        // An unset variable already explains the empty value it produced.
        if (unset.some((u) => formatPath(u.path) === path)) continue;
        problems.push({ ...at(report.locate.path, report.locate.at), path, message: report.message });
      }
    }
  }
  for (const issue of [...crossReferenceIssues(raw), ...accountIssues(raw, targetSchemaOf(registry))]) {
    problems.push({ ...at(issue.path), path: formatPath(issue.path), message: issue.message });
  }
  // A file that fails anyway lists every problem, the unset Vault credentials too.
  if (problems.length > 0) throw new ConfigError([...problems, ...vaultCredentials.problems]);
  const config = (result as { data: RotorConfig }).data;
  // Policies that no password can satisfy (alone, or with a target's connector rules) fail here,
  // at load, rather than at 3 a.m. in a rotation.
  const policyReport = checkPolicyConfig(config, registry);
  const { conflicts } = policyReport;
  const place = (n: ConfigNotice, locate = at): ConfigProblem => ({
    ...locate(n.locate ?? n.path),
    path: formatPath(n.path),
    message: n.message,
  });
  if (conflicts.length > 0) throw new ConfigError(conflicts.map((c) => place(placePolicyMessage(config, c))));
  return {
    config: deferVaultCredentials(config, vaultCredentials),
    warnings: [...literalSecrets, ...configWarnings(config, policyReport)].map((n) => place(n, hint)),
  };
}

/** Parses and validates a config document; see `parseConfigWithWarnings`. */
export function parseConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env): RotorConfig {
  return parseConfigWithWarnings(text, file, env).config;
}

/** Reads, parses and validates the config file, with the warnings `rotor config validate` prints. */
export async function readConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new ConfigError([
      { file, path: '', message: `cannot read config: ${reason} (set --config or ROTOR_CONFIG)` },
    ]);
  }
  return parseConfigWithWarnings(text, file, env);
}

export async function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<RotorConfig> {
  return (await readConfig(file, env)).config;
}
