/** A request class of `libs/contracts/src/requests`: class-validator decorators describe its fields. */
export type RequestClass<T extends object = object> = new (...args: any[]) => T;

/**
 * One RPC: which service queue serves it, its pattern, and the request class. Declared
 * once here and used by the gateway (caller, and HTTP validation of the same fields), the
 * service (runtime check of the payload) and the types on both sides.
 */
export interface RpcPattern<TRequest extends RequestClass, TResponse> {
  queue: string;
  pattern: string;
  request: TRequest;
  /** Phantom field carrying the response type. */
  readonly _response?: TResponse;
}

export function rpcPattern<TResponse>() {
  return <TRequest extends RequestClass>(queue: string, pattern: string, request: TRequest): RpcPattern<TRequest, TResponse> => ({
    queue,
    pattern,
    request,
  });
}

/** The payload of an RPC: its request class's fields. */
export type RpcRequest<P> = P extends RpcPattern<infer C, unknown> ? InstanceType<C> : never;
export type RpcResponse<P> = P extends RpcPattern<RequestClass, infer T> ? T : never;

/** Durable RPC queue of a service: `<service>.rpc`. */
export const rpcQueue = (service: string) => `${service}.rpc`;
