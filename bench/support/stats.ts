/** Latency percentiles (milliseconds) of one measured run. */
export interface LatencyStats {
  p50: number;
  p95: number;
  p99: number;
  n: number;
}

export function latencyStats(ms: number[]): LatencyStats {
  const s = Float64Array.from(ms).sort();
  const q = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN);
  return { p50: q(50), p95: q(95), p99: q(99), n: s.length };
}
