import { LeasedClaimsJob } from './leased-claims-job';

/** A job over a queue of numbers: even ones are 'done', multiples of 5 throw. */
class NumbersJob extends LeasedClaimsJob<number, 'done' | 'odd'> {
  readonly batches: number[] = [];
  constructor(private readonly due: number[]) {
    super('NumbersJob', 0, 3, ['done', 'odd']);
  }
  protected async claim(limit: number): Promise<number[]> {
    const batch = this.due.splice(0, limit);
    this.batches.push(batch.length);
    return batch;
  }
  protected async handle(n: number): Promise<'done' | 'odd' | 'skipped'> {
    if (n % 5 === 0) throw new Error('boom');
    return n % 2 === 0 ? 'done' : 'odd';
  }
  protected describe(n: number): string {
    return `number ${n}`;
  }
}

describe('LeasedClaimsJob', () => {
  it('claims batch after batch until one comes back short, counting each outcome and a failure as skipped', async () => {
    const job = new NumbersJob([1, 2, 3, 4, 5, 6, 7]);
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await job.runOnce()).toEqual({ done: 3, odd: 3, skipped: 1 });
    expect(job.batches).toEqual([3, 3, 1]);
  });

  it('answers zeros for every outcome when nothing is due', async () => {
    expect(await new NumbersJob([]).runOnce()).toEqual({ done: 0, odd: 0, skipped: 0 });
  });
});
