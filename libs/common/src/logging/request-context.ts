import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export interface RequestContextValues {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContextValues>();

/**
 * Carries the request id through async work so every log line of a request, on the
 * gateway and on the service that handles its RPC, names the same id.
 */
export const RequestContext = {
  run<T>(values: RequestContextValues, fn: () => T): T {
    return storage.run(values, fn);
  },
  /** Work no request started (a job's round): an id of its own, so its log lines and events group. */
  runFresh<T>(fn: () => T): T {
    return storage.run({ requestId: randomUUID() }, fn);
  },
  requestId(): string | undefined {
    return storage.getStore()?.requestId;
  },
};
