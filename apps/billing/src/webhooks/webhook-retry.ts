/** How failed events are retried: base, 2×base, 4×base… capped at max (milliseconds). */
export interface WebhookRetryPolicy {
  baseMs: number;
  maxMs: number;
}

/** When an event that has now failed `attempts` times (≥ 1) is tried again. */
export function nextAttemptAt(now: Date, attempts: number, policy: WebhookRetryPolicy): Date {
  const exponent = Math.min(Math.max(0, attempts - 1), 40);
  const delay = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return new Date(now.getTime() + delay);
}
