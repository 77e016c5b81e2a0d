import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../errors/app-error';

/** Largest JSON body accepted (express.json `limit`); uploads go straight to S3, never through us. */
export const BODY_LIMIT_BYTES = 100 * 1024;
/** Services that keep raw bodies for webhook signatures (billing's Stripe endpoint): events are Stripe's size, not ours. */
export const WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;
/** Deepest nesting of a JSON body: our DTOs go three levels deep; validators recurse per level. */
export const BODY_MAX_DEPTH = 32;
/** Largest request head Node's parser accepts (431 beyond); a bearer token is about 1 KiB. */
export const MAX_HEADER_BYTES = 16 * 1024;

// NUL (PostgreSQL text cannot hold it) and UTF-16 surrogates that are not part of a pair
// (they cannot be encoded as UTF-8, so they would be stored as U+FFFD or fail in a driver).
// eslint-disable-next-line no-control-regex -- matching NUL is the point of this pattern
const BAD_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function hasBadText(value: string): boolean {
  return BAD_TEXT.test(value);
}

function badText(where: string, field: string): AppError {
  return AppError.validation(`Invalid text in ${where}: ${field || '(root)'} contains a NUL character or an unpaired UTF-16 surrogate`, {
    fields: [{ field: field || '(root)', messages: ['must not contain NUL characters or unpaired surrogates'] }],
  });
}

/**
 * Walks a parsed value without recursion (a body nested 10,000 deep must not overflow
 * the stack here either) and returns the first problem: too deep, or bad text in a key or
 * a string value.
 */
export function inspectValue(root: unknown, maxDepth: number): { problem: 'depth' | 'text'; field: string } | null {
  const stack: Array<{ value: unknown; depth: number; path: string }> = [{ value: root, depth: 0, path: '' }];
  while (stack.length) {
    const { value, depth, path } = stack.pop()!;
    if (typeof value === 'string') {
      if (hasBadText(value)) return { problem: 'text', field: path };
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= maxDepth) return { problem: 'depth', field: path };
    for (const [key, child] of Object.entries(value)) {
      const childPath = path ? `${path}.${key}` : key;
      if (hasBadText(key)) return { problem: 'text', field: childPath };
      stack.push({ value: child, depth: depth + 1, path: childPath });
    }
  }
  return null;
}

function isJsonRequest(req: Request): boolean {
  return /^application\/([\w.+-]*\+)?json\b/i.test(req.headers['content-type'] ?? '');
}

/**
 * Runs after the body parsers and before routing, so it covers every route at once:
 * path segments, query values and JSON bodies are checked for NUL and unpaired
 * surrogates; a body must be a JSON object no deeper than BODY_MAX_DEPTH.
 */
export function inputGuardMiddleware(options: { maxDepth?: number } = {}) {
  const maxDepth = options.maxDepth ?? BODY_MAX_DEPTH;
  return (req: Request, _res: Response, next: NextFunction) => {
    // Path: Express decodes params itself and a malformed escape would throw there (500).
    for (const segment of req.path.split('/')) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        return next(
          AppError.validation('Invalid URL path: malformed percent-encoding', {
            fields: [{ field: '(path)', messages: ['malformed percent-encoding'] }],
          }),
        );
      }
      if (hasBadText(decoded)) return next(badText('URL path', '(path)'));
    }
    const query = inspectValue(req.query, maxDepth);
    if (query)
      return next(query.problem === 'text' ? badText('query', query.field) : AppError.validation('Query string is nested too deeply'));
    const body: unknown = req.body;
    if (body !== undefined) {
      // `null`, `[]`, `"x"` and `1` are valid JSON but no route takes them.
      if (isJsonRequest(req) && (typeof body !== 'object' || body === null || Array.isArray(body))) {
        return next(
          AppError.validation('body must be a JSON object', {
            fields: [{ field: '(root)', messages: [`got ${body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body}`] }],
          }),
        );
      }
      const found = inspectValue(body, maxDepth);
      if (found?.problem === 'depth') {
        return next(AppError.validation(`Request body is nested deeper than ${maxDepth} levels`, { maxDepth }));
      }
      if (found) return next(badText('body', found.field));
    }
    next();
  };
}
