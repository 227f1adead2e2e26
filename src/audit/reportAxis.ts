/**
 * Axis ticks people read without arithmetic: steps of 1, 2 or 5 times a power of ten, starting at 0,
 * the top tick at or above the largest value. Counts never get a fractional step.
 */
export interface Ticks {
  step: number;
  /** The lowest tick: 0, or a round number below `min` when one was given. */
  bottom: number;
  top: number;
  ticks: number[];
}

export function niceTicks(max: number, options: { target?: number; integer?: boolean; min?: number } = {}): Ticks {
  const target = options.target ?? 5;
  const integer = options.integer ?? true;
  const min = Math.max(0, Math.min(options.min ?? 0, max));
  if (!(max > min))
    return max > 0 ? niceTicks(max, { ...options, min: 0 }) : { step: 1, bottom: 0, top: 1, ticks: [0, 1] };
  const rough = (max - min) / target;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  let step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? 10 * magnitude;
  if (integer) step = Math.max(1, Math.round(step));
  const bottom = round(Math.floor(min / step + 1e-9) * step);
  const top = round(Math.ceil(max / step - 1e-9) * step);
  const ticks: number[] = [];
  for (let i = 0; round(bottom + i * step) <= top; i++) ticks.push(round(bottom + i * step));
  return { step, bottom, top, ticks };
}

/** Drops binary floating-point noise (0.30000000000000004 → 0.3). */
function round(value: number): number {
  return Number(value.toPrecision(12));
}

/** A tick label: 1,500 / 0.25 / 20%. */
export function tickLabel(value: number, unit: '' | '%' = ''): string {
  return `${value.toLocaleString('en-US', { maximumFractionDigits: 2 })}${unit}`;
}
