/** The candidate a typo most likely meant (edit distance), or undefined when none is close. */
export function closest(word: string, candidates: string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      let previous = row[0] as number;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const current = row[j] as number;
        row[j] = Math.min(
          (row[j] as number) + 1,
          (row[j - 1] as number) + 1,
          previous + (a[i - 1] === b[j - 1] ? 0 : 1),
        );
        previous = current;
      }
    }
    return row[b.length] as number;
  };
  const best = candidates
    .map((c) => ({ c, d: distance(word.toLowerCase(), c.toLowerCase()) }))
    .sort((x, y) => x.d - y.d)[0];
  return best && best.d <= Math.max(2, Math.floor(word.length / 3)) ? best.c : undefined;
}

/** The IANA time zones this runtime knows, for "did you mean" on a misspelt one. */
let zones: string[] | undefined;

/** Zones already checked: a config of 100,000 targets names a handful, and each check builds a formatter. */
const checkedZones = new Map<string, boolean>();

function isTimeZone(tz: string): boolean {
  let known = checkedZones.get(tz);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      known = true;
    } catch {
      known = false;
    }
    if (checkedZones.size >= 1_000) checkedZones.clear();
    checkedZones.set(tz, known);
  }
  return known;
}

/** Undefined for a valid time zone; else what is wrong and the fix, with the value found. */
export function timeZoneProblem(tz: string): string | undefined {
  if (isTimeZone(tz)) return undefined;
  zones ??= ['UTC', ...Intl.supportedValuesOf('timeZone')];
  const hint = closest(tz, zones);
  return `expected an IANA time zone like UTC or Europe/Berlin, got ${JSON.stringify(tz)}${hint ? ` (did you mean "${hint}"?)` : ''}`;
}
