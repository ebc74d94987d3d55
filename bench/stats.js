// Helpers shared by the benchmark modules (this module has no `run`, so bench/run.js skips it).

/** The median of a list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Milliseconds rounded to a tenth. */
export function ms(value) {
  return Math.round(value * 10) / 10;
}

/**
 * mulberry32: a small seeded pseudo-random generator, so generated graphs are the same
 * on every run and figures stay comparable. Returns floats in [0, 1).
 */
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` distinct items of `items`, picked with `random`. */
export function pick(items, count, random) {
  const pool = [...items];
  const picked = [];
  while (picked.length < count && pool.length > 0) {
    picked.push(pool.splice(Math.floor(random() * pool.length), 1)[0]);
  }
  return picked;
}

/** The `p`-th percentile (0 to 100) of a list of numbers, by the nearest-rank method. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

/**
 * A clock of wall-clock milliseconds since the Unix epoch with a fraction, comparable with
 * what other processes read (bash's `$EPOCHREALTIME`, `Date.now()`). It is set at the
 * moment `Date.now()` ticks (a wait of at most 1 ms), then follows the monotonic clock;
 * make a new one per sample so the two clocks cannot drift apart.
 */
export function wallClock() {
  performance.now(); // the first call loads the timer; keep that out of the reading
  const first = Date.now();
  let tick = first;
  let at = 0;
  while (tick === first) {
    at = performance.now();
    tick = Date.now();
  }
  const offset = tick - at;
  return () => performance.now() + offset;
}
