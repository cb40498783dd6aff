/**
 * The median of `xs`: the middle value, or the mean of the two middle values of an even count
 * (two rounds give their mean, not the better one).
 */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
