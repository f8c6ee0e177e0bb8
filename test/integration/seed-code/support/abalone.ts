/**
 * A synthetic stand-in for the UCI abalone data set (which cannot be downloaded here): the same
 * nine headerless columns (sex, seven measurements, rings), plausible ranges, and rings that
 * depend on the shell weight, so a model has something to learn.
 */

/** Deterministic PRNG (mulberry32): the same seed always gives the same data set. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const round = (value: number, digits = 4) => Number(value.toFixed(digits));

/** `rows` CSV lines of synthetic abalone records. */
export function syntheticAbalone(rows: number, seed = 7): string[] {
  const next = random(seed);
  const noise = (scale: number) => (next() - 0.5) * 2 * scale;
  return Array.from({ length: rows }, () => {
    const sex = ['M', 'F', 'I'][Math.floor(next() * 3)];
    const length = 0.15 + next() * 0.6;
    const diameter = length * 0.8 + noise(0.02);
    const height = length * 0.27 + noise(0.01);
    const whole = 4 * length ** 3 + noise(0.05);
    const shell = whole * 0.29 + noise(0.01);
    const rings = Math.max(1, Math.round(3 + 25 * shell + (sex === 'I' ? -1 : 1) + noise(1.5)));
    const measurements = [length, diameter, height, whole, whole * 0.43, whole * 0.22, shell].map((value) => round(Math.max(0.001, value)));
    return [sex, ...measurements, rings].join(',');
  });
}
