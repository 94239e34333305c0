// "Did you mean …?" suggestions for misspelt keys, names and values.

/**
 * Edit distance between two strings: insertions, deletions, substitutions and
 * swaps of two neighbouring letters ("wirte" → "write") each cost 1
 * (Levenshtein with transpositions, the optimal-string-alignment variant).
 */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length][b.length];
}

/**
 * The candidate closest to `word`, if it is close enough to be a plausible typo:
 * equal ignoring case, at most about a third of the letters wrong, or an
 * abbreviation (a prefix of at least four letters, "output_dir").
 */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  let prefixOf: string | undefined;
  for (const c of candidates) {
    if (c === word) continue;
    const cl = c.toLowerCase();
    if (cl === lower) return c;
    if (lower.length >= 4 && cl.startsWith(lower) && (prefixOf === undefined || c.length < prefixOf.length)) prefixOf = c;
    const d = levenshtein(lower, cl);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  if (best !== undefined) {
    const limit = Math.max(1, Math.floor(Math.max(word.length, best.length) / 3));
    if (bestDistance <= limit) return best;
  }
  return prefixOf;
}

/** " Did you mean X?" (with a leading space) or "". */
export function didYouMeanText(word: string, candidates: Iterable<string>): string {
  const guess = didYouMean(word, candidates);
  return guess === undefined ? '' : ` Did you mean "${guess}"?`;
}
