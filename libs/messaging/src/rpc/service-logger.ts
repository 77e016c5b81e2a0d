/** Injection token of a service's own pino logger (Nest's static Logger is process-wide). */
export const SERVICE_LOGGER = Symbol('SERVICE_LOGGER');
