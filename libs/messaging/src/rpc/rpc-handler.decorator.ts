import { applyDecorators, Controller, SetMetadata, UseFilters, UseInterceptors } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { RpcExceptionFilter } from '@fpms/common/errors/rpc-exception.filter';
import { RequestClass, RpcPattern } from '@fpms/contracts/rpc/rpc-pattern';
import { RpcEnvelopeInterceptor } from './rpc-envelope.interceptor';
import { RPC_PATTERN_METADATA } from './rpc-metadata';

/** Marks a handler for one contract pattern; its request class is enforced before the handler runs. */
export function RpcHandler(pattern: RpcPattern<RequestClass, unknown>): MethodDecorator {
  return applyDecorators(SetMetadata(RPC_PATTERN_METADATA, pattern), MessagePattern(pattern.pattern));
}

/** A controller of RPC handlers: envelope verification and wire errors on every handler. */
export function RpcController(): ClassDecorator {
  return applyDecorators(Controller(), UseFilters(RpcExceptionFilter), UseInterceptors(RpcEnvelopeInterceptor));
}
