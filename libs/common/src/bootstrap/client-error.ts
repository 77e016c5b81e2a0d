import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger as PinoLogger } from 'pino';
import { CommonErrorCode } from '@fpms/contracts/errors/common.errors';
import { MAX_HEADER_BYTES } from '../validation/input-guard';

/**
 * Node answers requests its HTTP parser rejects (oversized head, malformed request line)
 * with a bare status line before Express ever sees them. With a `clientError` listener
 * the answer is ours: the same JSON error body as every other error.
 */
export function answerClientErrorsWithJson(server: Server, logger?: PinoLogger): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // A reset or timed-out connection has nobody left to answer.
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      socket.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
      return;
    }
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
    const status = tooLarge ? 431 : 400;
    const requestId = randomUUID();
    const body = JSON.stringify({
      error: tooLarge
        ? {
            code: CommonErrorCode.HeadersTooLarge,
            message: 'Request headers are too large',
            details: { limitBytes: MAX_HEADER_BYTES },
            requestId,
          }
        : { code: CommonErrorCode.ValidationFailed, message: 'Malformed HTTP request', details: null, requestId },
    });
    logger?.info({ status, code: err.code, requestId }, 'http request rejected by the parser');
    socket.end(
      `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
