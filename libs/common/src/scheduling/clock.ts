/**
 * The platform's one time source. Every service reads "now" through the `Clock` its
 * PlatformModule provides (the abstract class is also the Nest token), so tests move time
 * instead of sleeping or editing rows: `startPlatform({ clock })` hands every service the
 * test's clock (MutableClock in libs/testing implements it).
 */
export abstract class Clock {
  abstract now(): Date;
}

/** Wall-clock time; each app gets its own instance, so a test can move one service's without another's. */
export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
