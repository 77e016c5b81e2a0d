import { z } from 'zod';

/**
 * One RPC: which service queue serves it, its pattern, and the request schema. Declared
 * once here and used by both the gateway (caller) and the service (handler).
 */
export interface RpcPattern<TRequest extends z.ZodType, TResponse> {
  queue: string;
  pattern: string;
  request: TRequest;
  /** Phantom field carrying the response type. */
  readonly _response?: TResponse;
}

export function rpcPattern<TResponse>() {
  return <TRequest extends z.ZodType>(queue: string, pattern: string, request: TRequest): RpcPattern<TRequest, TResponse> => ({
    queue,
    pattern,
    request,
  });
}

export type RpcRequest<P> = P extends RpcPattern<infer R, unknown> ? z.input<R> : never;
export type RpcResponse<P> = P extends RpcPattern<z.ZodType, infer T> ? T : never;

/** Durable RPC queue of a service: `<service>.rpc`. */
export const rpcQueue = (service: string) => `${service}.rpc`;
