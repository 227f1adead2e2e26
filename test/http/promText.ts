/**
 * A strict reader of the Prometheus text exposition format (0.0.4), enough to reject what a
 * Prometheus server would: unknown line shapes, samples of undeclared families, bad label escaping,
 * non-numeric values, histogram buckets that are not cumulative.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: string;
  help: string;
  samples: Sample[];
}

const nameRe = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const sampleRe = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+-?\d+)?$/;
const labelRe = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\["\\n])*)"\s*(,|$)/y;

export function parsePromText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, i) => {
    const where = `line ${i + 1}: ${line}`;
    if (line.startsWith('# HELP ') || line.startsWith('# TYPE ')) {
      const [, , name = '', ...rest] = line.split(' ');
      if (!nameRe.test(name)) throw new Error(`bad metric name, ${where}`);
      const family = families.get(name) ?? { name, type: 'untyped', help: '', samples: [] };
      if (line.startsWith('# TYPE ')) {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest.join(' '))) {
          throw new Error(`bad type, ${where}`);
        }
        family.type = rest.join(' ');
      } else family.help = rest.join(' ');
      families.set(name, family);
      return;
    }
    if (line.startsWith('#') || line.trim() === '') return;
    const m = sampleRe.exec(line);
    if (!m) throw new Error(`not a sample, ${where}`);
    const [, name = '', , labelText = '', valueText = ''] = m;
    const value = valueText === '+Inf' ? Infinity : valueText === '-Inf' ? -Infinity : Number(valueText);
    // Prometheus parses values with Go's ParseFloat, which takes NaN in any case (prom-client writes "Nan").
    if (valueText.toLowerCase() !== 'nan' && Number.isNaN(value)) throw new Error(`bad value, ${where}`);
    const labels: Record<string, string> = {};
    labelRe.lastIndex = 0;
    while (labelRe.lastIndex < labelText.length) {
      const lm = labelRe.exec(labelText);
      if (!lm) throw new Error(`bad labels, ${where}`);
      labels[lm[1] as string] = (lm[2] as string).replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
    }
    const base = name.replace(/_(bucket|sum|count)$/, '');
    const family = families.get(name) ?? families.get(base);
    if (!family || family.type === 'untyped') throw new Error(`sample of an undeclared family, ${where}`);
    family.samples.push({ name, labels, value });
  });
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

function checkHistogram(family: Family): void {
  const series = new Map<string, Sample[]>();
  for (const s of family.samples.filter((x) => x.name.endsWith('_bucket'))) {
    const { le: _le, ...rest } = s.labels;
    const key = JSON.stringify(rest);
    series.set(key, [...(series.get(key) ?? []), s]);
  }
  for (const [key, buckets] of series) {
    let last = -Infinity;
    let count = 0;
    for (const b of buckets) {
      if (b.labels.le === undefined) throw new Error(`${family.name} bucket without le`);
      if (b.value < count) throw new Error(`${family.name}${key}: buckets are not cumulative`);
      const le = b.labels.le === '+Inf' ? Infinity : Number(b.labels.le);
      if (!(le > last)) throw new Error(`${family.name}${key}: le not increasing`);
      last = le;
      count = b.value;
    }
    if (last !== Infinity) throw new Error(`${family.name}${key}: no +Inf bucket`);
    const total = family.samples.find((s) => s.name === `${family.name}_count` && JSON.stringify(s.labels) === key);
    if (total?.value !== count) throw new Error(`${family.name}${key}: _count differs from the +Inf bucket`);
  }
}
