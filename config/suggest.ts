/**
 * "Did you mean" for configuration mistakes: edit distance with adjacent transpositions
 * (optimal string alignment), case-insensitive.
 */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  // rows[i][j]: distance between the first i characters of s and the first j of t.
  const rows = Array.from({ length: s.length + 1 }, (_, i) => Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const substitution = s[i - 1] === t[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + substitution);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
    }
  }
  return rows[s.length][t.length];
}

/**
 * The candidates nearest to `word` (compared by `nameOf`), all of those at the smallest distance, in
 * the candidates' order; none when even the nearest is more than a third of the word away (at least
 * one edit is allowed).
 */
export function closestMatches<T>(word: string, candidates: readonly T[], nameOf: (candidate: T) => string = String): T[] {
  const limit = Math.max(1, Math.floor(word.length / 3));
  const scored = candidates.map((candidate) => ({ candidate, distance: editDistance(word, nameOf(candidate)) }));
  const best = Math.min(...scored.map((entry) => entry.distance));
  return best > limit ? [] : scored.filter((entry) => entry.distance === best).map((entry) => entry.candidate);
}

/** ['a', 'b', 'c'] -> "a, b or c". */
export function orList(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}
