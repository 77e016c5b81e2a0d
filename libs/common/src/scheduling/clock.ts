/** The time source of library code that runs on a schedule, injectable so tests move it instead of sleeping. */
export interface Clock {
  now(): Date;
}

/** Nest token for the platform's clock (PlatformModule provides it; a test passes its own). */
export const PLATFORM_CLOCK = Symbol('PLATFORM_CLOCK');

export const systemClock = (): Clock => ({ now: () => new Date() });
