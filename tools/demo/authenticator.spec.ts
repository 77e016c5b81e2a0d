import { generateSync } from 'otplib';
import { Authenticator } from './authenticator';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const codeAt = (step: number) => generateSync({ secret: SECRET, epoch: step * 30 });

describe('the demo authenticator', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-12-02T12:00:10Z') }));
  afterEach(() => jest.useRealTimers());

  const step = () => Math.floor(Date.now() / 30_000);

  it('never repeats a step: the current one, then the next (still inside the gateway window)', async () => {
    const app = new Authenticator(SECRET);
    const now = step();
    expect(await app.code()).toBe(codeAt(now));
    expect(await app.code()).toBe(codeAt(now + 1));
  });

  it('waits for the clock rather than answer a code beyond the window', async () => {
    const app = new Authenticator(SECRET);
    const now = step();
    await app.code();
    await app.code();
    let third: string | undefined;
    void app.code().then((code) => (third = code));
    await jest.advanceTimersByTimeAsync(5_000);
    expect(third).toBeUndefined();
    await jest.advanceTimersByTimeAsync(30_000);
    expect(third).toBe(codeAt(now + 2));
  });
});
