import { CommonErrorCode } from '@fpms/contracts/errors/common.errors';
import type { ErrorCode } from '@fpms/contracts/errors';

/** The error shape that crosses RabbitMQ and becomes the HTTP error body at the gateway. */
export interface WireError {
  status: number;
  code: string;
  message: string;
  details?: unknown;
}

/**
 * The one error class of the platform, typed by its code enum (libs/contracts/src/errors).
 * Features subclass it with their own enum (`class TaskError extends AppError<TaskErrorCode>`),
 * so a feature's error can only carry that feature's codes; a caller can switch on `code`
 * and the filters know the status.
 */
export class AppError<C extends ErrorCode = ErrorCode> extends Error {
  constructor(
    readonly status: number,
    readonly code: C,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }

  toWire(): WireError {
    return {
      status: this.status,
      code: this.code,
      message: this.message,
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }

  /** A service's answer, re-raised by its caller: the code is whatever the service sent. */
  static fromWire(wire: WireError): AppError {
    return new AppError(wire.status, wire.code as ErrorCode, wire.message, wire.details);
  }

  static isWireError(value: unknown): value is WireError {
    if (typeof value !== 'object' || value === null) return false;
    const v = value as Record<string, unknown>;
    return typeof v.status === 'number' && typeof v.code === 'string' && typeof v.message === 'string';
  }

  static notFound(what: string, details?: unknown): AppError<CommonErrorCode> {
    return new AppError(404, CommonErrorCode.NotFound, `${what} not found`, details);
  }

  static unauthorized(message = 'Authentication required'): AppError<CommonErrorCode> {
    return new AppError(401, CommonErrorCode.Unauthorized, message);
  }

  static forbidden(message = 'Not allowed'): AppError<CommonErrorCode> {
    return new AppError(403, CommonErrorCode.Forbidden, message);
  }

  static validation(message: string, details?: unknown): AppError<CommonErrorCode> {
    return new AppError(400, CommonErrorCode.ValidationFailed, message, details);
  }
}
