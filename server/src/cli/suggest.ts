/**
 * "Did you mean …?" for mistyped command names: the nearest allowed name by
 * optimal string alignment distance (Levenshtein plus swapping two adjacent
 * letters, so `biuld` is one edit from `build`), as cobra suggests commands.
 */

/** Edits allowed between what was typed and a suggestion (cobra's default). */
const MAX_DISTANCE = 2;

/** Optimal string alignment distance (Levenshtein with adjacent transpositions), by code point. */
export function editDistance(a: string, b: string): number {
  const s = [...a];
  const t = [...b];
  const d: number[][] = Array.from({length: s.length + 1}, (_, i) => [i, ...new Array<number>(t.length).fill(0)]);
  for (let j = 1; j <= t.length; j++) d[0]![j] = j;
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[s.length]![t.length]!;
}

/**
 * The allowed name nearest to `typed` (at most two edits, and fewer edits
 * than the typed word has letters, so `ps` does not become `push`), or undefined.
 * Ties go to the first name in `names`.
 */
export function closestCommand(typed: string, names: readonly string[]): string | undefined {
  // Long input is no typo of a short command name (and would only cost time).
  if (typed.length === 0 || typed.length > 32) return undefined;
  const lower = typed.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of names) {
    const d = editDistance(lower, name);
    if (d < bestDistance && d <= MAX_DISTANCE && d < lower.length && d < Math.max(lower.length, name.length) - 1) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}
