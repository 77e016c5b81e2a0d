/**
 * What never reaches a log line: credentials in logged objects (at any depth) and in
 * URLs (invitation tokens travel in the path, so every request line would carry them).
 */
export const REDACTED = '[REDACTED]';

// Substrings, case-insensitive: `token` covers refreshToken, accessToken, invitationToken.
const SENSITIVE_KEY = /token|password|passwd|secret|authorization|cookie|api[-_]?key|signature/i;
// Keys whose string value is a URL or path: their sensitive parts are masked, the rest kept.
const URL_KEY = /^(url|originalUrl|path|href)$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// `/invitations/<token>/...`: the segment after `invitations` is a secret unless it is an id.
const INVITATION_SEGMENT = /(\/invitations\/)([^/?#]+)/g;
const MAX_DEPTH = 12;

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key);
}

/** Any text (a message, a URL) with the invitation token after `/invitations/` replaced. */
export function maskInvitationTokens(text: string): string {
  if (!text.includes('/invitations/')) return text;
  return text.replace(INVITATION_SEGMENT, (all, head: string, segment: string) => (UUID.test(segment) ? all : `${head}${REDACTED}`));
}

/** The URL with invitation tokens and sensitive query parameter values replaced. */
export function maskUrl(url: string): string {
  const masked = maskInvitationTokens(url);
  const q = masked.indexOf('?');
  if (q < 0) return masked;
  const query = masked
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      let key = pair.slice(0, eq);
      try {
        key = decodeURIComponent(key);
      } catch {
        // keep the raw key
      }
      return isSensitiveKey(key) ? `${pair.slice(0, eq)}=${REDACTED}` : pair;
    })
    .join('&');
  return `${masked.slice(0, q)}?${query}`;
}

/**
 * A copy of a log object with credentials replaced. Errors are kept as they are (pino's
 * err serializer runs later; its output goes through this again). Cycles and very deep
 * objects are cut rather than walked.
 */
export function redactLogObject<T>(value: T): T {
  return redact(value, 0, new WeakSet()) as T;
}

function redact(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return maskInvitationTokens(value);
  if (typeof value !== 'object' || value === null || value instanceof Error || Buffer.isBuffer(value)) return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (isSensitiveKey(key) && item !== undefined && item !== null && item !== '') out[key] = REDACTED;
    else if (URL_KEY.test(key) && typeof item === 'string') out[key] = maskUrl(item);
    else out[key] = redact(item, depth + 1, seen);
  }
  return out;
}
