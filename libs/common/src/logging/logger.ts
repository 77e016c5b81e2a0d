import { LoggerService } from '@nestjs/common';
import pino, { Logger as PinoLogger } from 'pino';
import { maskInvitationTokens, redactLogObject } from './redact';
import { Tracing } from '../tracing/tracing';
import { RequestContext } from './request-context';

/** JSON logs, one object per line, each carrying the service name and the request id (and trace/span ids when tracing). */
export function createPinoLogger(
  service: string,
  level = process.env.LOG_LEVEL ?? 'info',
  destination?: pino.DestinationStream,
): PinoLogger {
  const options: pino.LoggerOptions = {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Redaction at any depth (pino's `redact` paths are fixed paths, so they cannot say
    // "every `password` wherever it is"): the merged object, serialized errors and the message.
    formatters: { level: (label) => ({ level: label }), log: (object) => redactLogObject(object) },
    serializers: { err: (err: Error) => redactLogObject(pino.stdSerializers.err(err)) },
    hooks: {
      logMethod(args, method) {
        const masked = args.map((arg) => (typeof arg === 'string' ? maskInvitationTokens(arg) : arg));
        return method.apply(this, masked as Parameters<typeof method>);
      },
    },
    mixin: () => {
      const requestId = RequestContext.requestId();
      // With tracing on, the line also names its span (a log backend links it to the trace).
      const ids = Tracing.activeIds();
      return { ...(requestId ? { requestId } : {}), ...ids };
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Nest's LoggerService on top of pino, so framework logs are JSON too. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: PinoLogger) {}

  log(message: unknown, ...rest: unknown[]) {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]) {
    this.write('fatal', message, rest);
  }

  // Nest calls log(message, context) or error(message, stack, context); pino wants
  // (object, message). The last string argument is Nest's context name.
  private write(level: pino.Level, message: unknown, rest: unknown[]) {
    const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const stack = typeof rest[0] === 'string' ? (rest[0] as string) : undefined;
    if (message instanceof Error) {
      this.pino[level]({ context, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      const text = typeof rest[0] === 'string' && !stack ? rest[0] : undefined;
      this.pino[level]({ context, ...(message as object) }, text ?? (message as { msg?: string }).msg ?? '');
    } else {
      this.pino[level]({ context, ...(stack && level === 'error' ? { stack } : {}) }, String(message));
    }
  }
}
