import { Clock } from '@fpms/common/scheduling/clock';

/** A clock a test moves by hand (pass it to startPlatform({ clock })). */
export class MutableClock implements Clock {
  private current: number;

  constructor(start: Date | string = new Date()) {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): Date {
    this.current += ms;
    return this.now();
  }

  advanceDays(days: number): Date {
    return this.advance(days * 24 * 3_600_000);
  }

  set(at: Date | string): void {
    this.current = new Date(at).getTime();
  }
}
