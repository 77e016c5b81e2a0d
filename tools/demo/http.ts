/**
 * The product's error body (`{ error: { code, message, details, requestId } }`) as an ApiError
 * that names the route, so a failing step says exactly which call failed and what the API
 * answered; api.ts raises it for the typed client's calls. `callJson` is plain JSON over HTTP
 * for what the OpenAPI document does not describe (the gateway's `/health/ready`).
 */
export class ApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly code: string | undefined,
    readonly body: unknown,
  ) {
    const error = (body as { error?: { code?: string; message?: string; requestId?: string } } | undefined)?.error;
    const detail = error ? `${error.code}: ${error.message} (request ${error.requestId})` : JSON.stringify(body);
    super(`${method} ${path} answered ${status} ${detail}`);
  }
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  token?: string;
  body?: unknown;
  query?: Record<string, string | number | undefined>;
}

export async function callJson<T>(baseUrl: string, req: HttpRequest): Promise<T> {
  const url = new URL(req.path, baseUrl);
  for (const [key, value] of Object.entries(req.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'fpms-demo' };
  if (req.token) headers.authorization = `Bearer ${req.token}`;
  if (req.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, {
    method: req.method,
    headers,
    body: req.body === undefined ? undefined : JSON.stringify(req.body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  if (!res.ok) {
    const code = (parsed as { error?: { code?: string } } | undefined)?.error?.code;
    throw new ApiError(req.method, url.pathname, res.status, code, parsed);
  }
  return parsed as T;
}
