import { generateSync } from 'otplib';

const STEP_SECONDS = 30;
const currentStep = () => Math.floor(Date.now() / 1000 / STEP_SECONDS);

/**
 * The freelancer's authenticator app (TOTP, RFC 6238: SHA-1, 6 digits, 30 s), on the wall
 * clock the gateway also reads. The gateway accepts a code within ±1 step but never one of a
 * step it already accepted, so each code comes from a step after the last one used: the
 * current step, or the next one (still inside the window) when the current one was spent;
 * beyond that the user waits for the app to show a new code, as a person would.
 */
export class Authenticator {
  private lastStep = -1;

  constructor(readonly secret: string) {}

  async code(): Promise<string> {
    while (this.lastStep + 1 > currentStep() + 1) await new Promise((r) => setTimeout(r, 500));
    const step = Math.max(currentStep(), this.lastStep + 1);
    this.lastStep = step;
    return generateSync({ secret: this.secret, epoch: step * STEP_SECONDS });
  }
}
