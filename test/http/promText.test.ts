import { describe, expect, it } from '@jest/globals';
import { parsePromText } from './promText.js';

// The /metrics test is only as strict as this reader: show that it does reject broken text.
describe('parsePromText', () => {
  it('reads families, labels with escapes and special values', () => {
    const families = parsePromText(
      '# HELP a_total A.\n# TYPE a_total counter\na_total{k="x\\"y",z="1"} 3\n# TYPE g gauge\ng NaN\ng{s="b"} +Inf\n',
    );
    expect(families.get('a_total')?.samples).toEqual([{ name: 'a_total', labels: { k: 'x"y', z: '1' }, value: 3 }]);
    expect(families.get('g')?.samples.map((s) => s.value)).toEqual([NaN, Infinity]);
  });

  it('rejects samples of undeclared families, bad values, bad labels and non-cumulative histograms', () => {
    expect(() => parsePromText('x 1\n')).toThrow(/undeclared/);
    expect(() => parsePromText('# TYPE x gauge\nx one\n')).toThrow(/bad value/);
    expect(() => parsePromText('# TYPE x gauge\nx{a=1} 1\n')).toThrow(/bad labels/);
    const histogram = (b2: number) =>
      `# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} ${b2}\nh_sum 3\nh_count ${b2}\n`;
    expect(() => parsePromText(histogram(3))).not.toThrow();
    expect(() => parsePromText(histogram(1))).toThrow(/not cumulative/);
  });
});
