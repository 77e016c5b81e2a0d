import { AsyncLocalStorage } from 'node:async_hooks';

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
  requestId(): string | undefined {
    return storage.getStore()?.requestId;
  },
};
