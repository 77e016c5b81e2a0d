import { RequestContext } from '../logging/request-context';
import { PeriodicTask } from './periodic-task';

describe('PeriodicTask', () => {
  it('shares a run in progress instead of starting a second one', async () => {
    let runs = 0;
    let release!: () => void;
    const task = new PeriodicTask('t', 0, () => {
      runs++;
      return new Promise<number>((resolve) => (release = () => resolve(runs)));
    });
    const a = task.runNow();
    const b = task.runNow();
    release();
    expect(await Promise.all([a, b])).toEqual([1, 1]);
    expect(
      await (async () => {
        const c = task.runNow();
        release();
        return c;
      })(),
    ).toBe(2);
  });

  it('runs on its interval, keeps going after a failure, and stop() waits for the run in flight', async () => {
    let runs = 0;
    const task = new PeriodicTask('t', 10, async () => {
      runs++;
      if (runs === 1) throw new Error('first run fails');
      await new Promise((r) => setTimeout(r, 20));
    });
    task.start();
    const deadline = Date.now() + 2000;
    while (runs < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    await task.stop();
    const after = runs;
    await new Promise((r) => setTimeout(r, 60));
    expect(after).toBeGreaterThanOrEqual(3);
    expect(runs).toBe(after);
  });

  it('does not schedule with a non-positive interval', async () => {
    let runs = 0;
    const task = new PeriodicTask('t', 0, async () => void runs++);
    task.start();
    await new Promise((r) => setTimeout(r, 30));
    expect(runs).toBe(0);
    await task.stop();
  });

  it('gives each run a request id of its own, also when a request triggered it', async () => {
    const ids: Array<string | undefined> = [];
    const task = new PeriodicTask('t', 0, async () => {
      await new Promise((r) => setImmediate(r));
      ids.push(RequestContext.requestId());
    });
    await task.runNow();
    await RequestContext.run({ requestId: 'the-request' }, () => task.runNow());
    expect(ids).toHaveLength(2);
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[1]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[0]).not.toBe(ids[1]);
  });
});
