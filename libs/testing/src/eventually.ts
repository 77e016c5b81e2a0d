/**
 * Polls `probe` until it answers something truthy and returns that, or fails naming `what`
 * after `timeoutMs`: for what happens asynchronously (webhooks, events, workers). `T extends {}`
 * keeps out probes that answer nothing (an `expect(...)` inside would throw on the first poll).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- `{}` is exactly "anything but null/undefined/void"
export async function eventually<T extends {}>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  // Generous by default: CI runs many platforms on 2 cores; a probe that succeeds returns at once anyway.
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 100));
  }
}

/** Runs `work` over `items` with at most `limit` at a time, answers the results in order. */
export async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i], i);
      }
    }),
  );
  return results;
}
