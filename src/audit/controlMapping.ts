import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { positionOf } from '../config/positions.js';
import { ConfigError, formatPath, type ConfigProblem } from '../config/problems.js';
import type { ControlEvidence, FigureId } from './reportModel.js';
import { rotorPackage } from './rotorPackage.js';

/**
 * The control mapping: which report figures answer which control (PCI DSS, NIST, ISO, ...). It is a
 * YAML file rather than code so an organisation can map its own frameworks or wording; rotor ships
 * config/controls.yaml and `audit.controls` names another file.
 */
export const figureIds: readonly FigureId[] = [
  'share-compliant',
  'exceptions',
  'age-histogram',
  'compliance-over-time',
  'outcomes',
  'targets-table',
  'policies',
  'schedules',
  'history',
  'on-demand',
  'chain',
  'generator',
];

const text = (what: string) =>
  z
    .string({ error: `expected ${what} as text` })
    .trim()
    .min(1, { error: `expected ${what}, got empty text` });

const mappingSchema = z
  .object({
    controls: z.array(
      z
        .object({
          framework: text('the framework, e.g. "PCI DSS v4.0"'),
          id: z.union([z.string(), z.number()], { error: 'expected the control id, e.g. "8.3.9"' }).transform(String),
          title: text('a title'),
          requirement: text('the requirement in a sentence'),
          evidence: z
            .array(
              z
                .object({
                  figure: z.string().refine((f): f is FigureId => (figureIds as readonly string[]).includes(f), {
                    error: (issue) =>
                      `expected one of the report's figures (${figureIds.join(' | ')}), got ${JSON.stringify(issue.input)}`,
                  }),
                  shows: text('what the figure shows for this control'),
                })
                .strict(),
              { error: 'expected a list of { figure, shows }' },
            )
            .min(1, { error: 'expected at least one figure that answers the control' }),
        })
        .strict(),
      { error: 'expected a list of controls' },
    ),
  })
  .strict();

/** The mapping rotor ships. */
export function defaultControlsFile(): string {
  return join(rotorPackage().dir, 'config', 'controls.yaml');
}

/**
 * Reads and checks a mapping file; every problem at once, each with its line and column, as
 * ConfigError (so the CLI prints them like config problems and exits 2).
 */
export async function loadControlMapping(file = defaultControlsFile()): Promise<ControlEvidence[]> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const why = typeof code === 'string' ? code : String(err);
    throw new ConfigError([{ file, path: '', message: `cannot read the control mapping (audit.controls): ${why}` }]);
  }
  return parseControlMapping(file, source);
}

export function parseControlMapping(file: string, source: string): ControlEvidence[] {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const at = e.linePos?.[0];
        return {
          file,
          line: at?.line,
          col: at?.col,
          path: '',
          message: (e.message.split('\n')[0] ?? '').replace(/:$/, ''),
        };
      }),
    );
  }
  const parsed = mappingSchema.safeParse(doc.toJS());
  if (parsed.success) return parsed.data.controls as ControlEvidence[];
  const problems: ConfigProblem[] = parsed.error.issues.map((issue) => {
    const at = positionOf(doc, lines, issue.path);
    const unknown = issue.code === 'unrecognized_keys' ? `: unknown key ${issue.keys.join(', ')}` : '';
    return {
      file,
      line: at?.line,
      col: at?.col,
      path: formatPath(issue.path),
      message: unknown ? `expected only the documented keys${unknown}` : issue.message,
    };
  });
  throw new ConfigError(problems);
}
