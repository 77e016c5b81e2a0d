import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** Who is calling, as far as the network tells: for rate limits and the session record. */
export interface ClientInfo {
  /** `req.ip`: the socket's address, or the client's behind trusted proxies (TRUST_PROXY). */
  ip: string;
  userAgent?: string;
}

export const CurrentClient = createParamDecorator((_: unknown, ctx: ExecutionContext): ClientInfo => {
  const request = ctx.switchToHttp().getRequest<Request>();
  const userAgent = request.headers['user-agent'];
  return {
    ip: (request.ip ?? request.socket?.remoteAddress ?? 'unknown').slice(0, 64),
    userAgent: typeof userAgent === 'string' && userAgent ? userAgent.slice(0, 512) : undefined,
  };
});
