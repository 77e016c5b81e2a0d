/** Seconds before the n-th retry of a release (n ≥ 1): `base` doubling per attempt, at most an hour. */
export function releaseRetryDelaySeconds(attempt: number, baseSeconds: number): number {
  return Math.min(baseSeconds * 2 ** Math.max(0, attempt - 1), 3600);
}
