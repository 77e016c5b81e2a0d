import { CommonErrorCode } from './common-error-code';

/** The error shape that crosses RabbitMQ and becomes the HTTP error body at the gateway. */
export interface WireError {
  status: number;
  code: string;
  message: string;
  details?: unknown;
}

/**
 * The one error class of the platform. Features subclass it with their own code enum
 * (`WorkspaceError`), so a caller can switch on `code` and the filters know the status.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }

  toWire(): WireError {
    return { status: this.status, code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) };
  }

  static fromWire(wire: WireError): AppError {
    return new AppError(wire.status, wire.code, wire.message, wire.details);
  }

  static isWireError(value: unknown): value is WireError {
    if (typeof value !== 'object' || value === null) return false;
    const v = value as Record<string, unknown>;
    return typeof v.status === 'number' && typeof v.code === 'string' && typeof v.message === 'string';
  }

  static notFound(what: string, details?: unknown): AppError {
    return new AppError(404, CommonErrorCode.NotFound, `${what} not found`, details);
  }

  static unauthorized(message = 'Authentication required'): AppError {
    return new AppError(401, CommonErrorCode.Unauthorized, message);
  }

  static forbidden(message = 'Not allowed'): AppError {
    return new AppError(403, CommonErrorCode.Forbidden, message);
  }

  static validation(message: string, details?: unknown): AppError {
    return new AppError(400, CommonErrorCode.ValidationFailed, message, details);
  }
}
