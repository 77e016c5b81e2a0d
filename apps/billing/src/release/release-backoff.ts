/** Seconds before the n-th retry of a release (n ≥ 1): 30 s doubling, at most an hour. */
export function releaseRetryDelaySeconds(attempt: number): number {
  return Math.min(30 * 2 ** Math.max(0, attempt - 1), 3600);
}
