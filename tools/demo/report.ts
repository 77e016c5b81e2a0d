/**
 * How the demo talks: each step prints its number and title, then what the user would see
 * (indented), then how long it took. A failure names the step and why, and stops the run.
 */
export class DemoStepFailed extends Error {
  constructor(
    readonly step: number,
    readonly title: string,
    readonly reason: unknown,
  ) {
    super(`step ${step} "${title}": ${reason instanceof Error ? reason.message : String(reason)}`);
  }
}

export type Say = (line: string) => void;

export class Reporter {
  private count = 0;

  constructor(private readonly write: (text: string) => void = (text) => process.stdout.write(text)) {}

  line(text = ''): void {
    this.write(`${text}\n`);
  }

  /** Runs one step; `work` narrates with `say` and answers what later steps need. */
  async step<T>(title: string, work: (say: Say) => Promise<T>): Promise<T> {
    const number = ++this.count;
    const started = Date.now();
    this.line(`${String(number).padStart(2)}. ${title}`);
    try {
      const result = await work((text) => this.line(`      ${text}`));
      this.line(`      ✓ ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return result;
    } catch (error) {
      throw new DemoStepFailed(number, title, error);
    }
  }
}

/** Polls `probe` until it answers something other than null/undefined/false, or fails naming `what`. */
export async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== null && value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`${what}: not the case after ${timeoutMs / 1000} s${last instanceof Error ? ` (last error: ${last.message})` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Integer minor units as the app shows them (the demo's currencies have two decimals). */
export const money = (minor: number, currency: string): string =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(minor / 100);
