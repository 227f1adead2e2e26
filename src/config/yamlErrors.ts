import type { LineCounter, YAMLError } from 'yaml';
import { counted, type ConfigProblem } from './problems.js';

/**
 * The `{` or `[` still open at `offset`, if any: the parser reports an unclosed flow map where it
 * gives up (often the next line), while the fix is where it was opened. A bracket counts only where
 * a flow collection can start (after `: `, `- `, `,` or another opener), outside quotes and comments.
 */
function unclosedAt(text: string, offset: number): number | undefined {
  const open: number[] = [];
  let quote: string | undefined;
  // The last significant character; "\n" while a line has had only blanks, "-" for a list item's dash.
  let prev = '\n';
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') continue;
    if (c === '\n') {
      prev = '\n';
      continue;
    }
    if (c === '#' && /\s/.test(text[i - 1] ?? ' ')) {
      const end = text.indexOf('\n', i);
      i = (end === -1 ? text.length : end) - 1;
      continue;
    }
    const atValueStart = prev === '\n' || prev === '-' || prev === ':' || prev === ',' || prev === '{' || prev === '[';
    if ((c === '"' || c === "'") && atValueStart) quote = c;
    else if ((c === '{' || c === '[') && (atValueStart || open.length > 0)) open.push(i);
    else if ((c === '}' || c === ']') && open.length > 0) open.pop();
    prev = c === '-' && prev === '\n' ? '-' : c === '-' ? 'x' : c;
  }
  return open[open.length - 1];
}

/** One YAML error in words, with the key of a duplicate and the opener of an unclosed collection. */
function describeYamlError(e: YAMLError, text: string, lines: LineCounter): string {
  const message = e.message.split('\n')[0] ?? e.message;
  if (e.code === 'DUPLICATE_KEY') {
    const key = /^["']?([^:\n"']+)/.exec(text.slice(e.pos[0]))?.[1]?.trim();
    return key ? `${message}: "${key}" is given twice in this mapping` : message;
  }
  const opener = unclosedAt(text, e.pos[0]);
  if (opener === undefined) return message;
  const { line, col } = lines.linePos(opener);
  return `${message} (the "${text[opener]}" at ${line}:${col} is never closed)`;
}

/**
 * Only the first YAML syntax error, with a count of the rest: after a broken line (an unclosed `{`)
 * the parser misreads everything below it, and those follow-on errors only bury the one to fix.
 * Duplicate keys before it do not derail the parser, so each of them is reported too.
 */
export function yamlProblems(errors: readonly YAMLError[], text: string, file: string, lines: LineCounter) {
  const sorted = [...errors].sort((a, b) => a.pos[0] - b.pos[0]);
  const firstBreak = sorted.findIndex((e) => e.code !== 'DUPLICATE_KEY');
  const shown = firstBreak === -1 ? sorted : sorted.slice(0, firstBreak + 1);
  const rest = sorted.length - shown.length;
  return shown.map((e, i): ConfigProblem => {
    const more =
      i === shown.length - 1 && rest > 0
        ? `; ${counted(rest, 'more YAML error')} after it, most likely caused by this one: fix it and validate again`
        : '';
    return { file, ...lines.linePos(e.pos[0]), path: '', message: `YAML: ${describeYamlError(e, text, lines)}${more}` };
  });
}
