/** The time source, injectable so tests can move it instead of sleeping. */
export interface Clock {
  now(): Date;
}

export const CLOCK = Symbol('CLOCK');

/** A fresh clock per app instance, so a test can move one service's time without touching another's. */
export const systemClock = (): Clock => ({ now: () => new Date() });
