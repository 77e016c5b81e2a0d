import { Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';
import { toAppError } from './to-app-error';

/**
 * On RPC servers: every error leaves as a WireError (`{status, code, message, details}`),
 * which the gateway turns back into the same HTTP error.
 */
@Catch()
export class RpcExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('RpcExceptionFilter');

  catch(exception: unknown): Observable<never> {
    const error = toAppError(exception);
    if (error.status === 503) this.logger.warn({ err: exception }, 'rpc handler: dependency unavailable');
    else if (error.status >= 500) this.logger.error({ err: exception }, 'rpc handler failed');
    return throwError(() => error.toWire());
  }
}
