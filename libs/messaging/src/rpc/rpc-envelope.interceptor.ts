import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Logger as PinoLogger } from 'pino';
import { Observable, tap } from 'rxjs';
import { z } from 'zod';
import { AccessTokenService } from '@fpms/auth/access-token';
import { AppError } from '@fpms/common/errors/app-error';
import { RequestContext } from '@fpms/common/logging/request-context';
import { Metrics, secondsSince } from '@fpms/common/metrics/metrics';
import { Tracing } from '@fpms/common/tracing/tracing';
import { rpcEnvelopeSchema } from '@fpms/contracts/rpc/rpc-context';
import type { RequestClass } from '@fpms/contracts/rpc/rpc-pattern';
import { validateRequest } from '@fpms/common/validation/request-validation';
import { RPC_PATTERN_METADATA } from './rpc-metadata';
import { rpcServerMetrics } from './rpc.metrics';
import { SERVICE_LOGGER } from './service-logger';
import { VerifiedRpc } from './verified-rpc';

function zodFieldErrors(error: z.ZodError) {
  return { fields: error.issues.map((issue) => ({ field: issue.path.join('.') || '(root)', messages: [issue.message] })) };
}

/**
 * Runs before every RPC handler: validates the envelope, re-verifies the forwarded
 * access token with the gateway's public key (a service never trusts `ctx` on its own),
 * validates the request data against its contract class, and runs the handler inside the
 * request's logging context. The handler receives a VerifiedRpc.
 */
@Injectable()
export class RpcEnvelopeInterceptor implements NestInterceptor {
  private readonly metrics: ReturnType<typeof rpcServerMetrics>;

  constructor(
    private readonly tokens: AccessTokenService,
    private readonly reflector: Reflector,
    @Inject(SERVICE_LOGGER) private readonly logger: PinoLogger,
    @Optional() metrics?: Metrics,
  ) {
    this.metrics = rpcServerMetrics(metrics ?? Metrics.detached());
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const rpc = context.switchToRpc();
    const payload = rpc.getData<Record<string, unknown>>();
    const envelope = rpcEnvelopeSchema.safeParse(payload);
    if (!envelope.success) throw AppError.validation('Malformed RPC envelope', zodFieldErrors(envelope.error));
    const { ctx } = envelope.data;
    const claims = this.tokens.verify(ctx.token);
    if (claims.sub !== ctx.userId || (ctx.accountId !== undefined && ctx.accountId !== claims.acc)) {
      throw AppError.unauthorized('Request context does not match the access token');
    }
    const pattern = this.reflector.get<{ request: RequestClass } | undefined>(RPC_PATTERN_METADATA, context.getHandler());
    // The same request class the gateway validated the HTTP body with: a caller that skips
    // or bends the gateway's check still meets this one.
    const data: unknown = pattern ? validateRequest(pattern.request, envelope.data.data ?? {}) : envelope.data.data;
    const verified: VerifiedRpc<unknown> = {
      requestId: ctx.requestId,
      userId: claims.sub,
      accountId: claims.acc,
      workspaceId: ctx.workspaceId,
      email: claims.email,
      isPlatformAdmin: claims.adm === true,
      token: ctx.token,
      idempotency: ctx.idempotency,
      data,
    };
    // Handlers take their argument from the payload object: hand them the verified view.
    for (const key of Object.keys(payload)) delete payload[key];
    Object.assign(payload, verified);
    const started = Date.now();
    const startedAt = process.hrtime.bigint();
    const rmq = rpc.getContext<{ getPattern?: () => string; getMessage?: () => { properties?: { headers?: Record<string, unknown> } } }>();
    const name = rmq?.getPattern?.() ?? context.getHandler().name;
    // Tracing on: a server span continuing the caller's trace (traceparent in the AMQP headers).
    const span = Tracing.startSpan(name, {
      kind: 'server',
      remoteParent: rmq?.getMessage?.()?.properties?.headers ?? {},
      attributes: { 'rpc.system': 'fpms-rmq', 'rpc.method': name, 'fpms.request_id': ctx.requestId },
    });
    const log = (outcome: string, error?: { status?: number }) => {
      this.metrics.duration.observe({ pattern: name, outcome }, secondsSince(startedAt));
      RequestContext.run({ requestId: ctx.requestId }, () =>
        this.logger.info({ pattern: name, outcome, ms: Date.now() - started }, 'rpc handled'),
      );
      span?.setAttributes({ 'fpms.outcome': outcome });
      // An AppError below 500 is an answer (not found, conflict...), not a failure.
      span?.end(error && !(typeof error.status === 'number' && error.status < 500) ? error : undefined);
    };
    const run = () =>
      next
        .handle()
        .pipe(tap({ complete: () => log('ok'), error: (e: { code?: string; status?: number }) => log(e?.code ?? 'error', e ?? {}) }));
    return new Observable((subscriber) =>
      RequestContext.run({ requestId: ctx.requestId }, () =>
        span ? span.run(() => run().subscribe(subscriber)) : run().subscribe(subscriber),
      ),
    );
  }
}
