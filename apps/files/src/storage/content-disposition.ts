const FALLBACK = 'download';

/**
 * A `Content-Disposition: attachment` value for a user-supplied file name. The quoted
 * `filename` is a plain-ASCII fallback (no quotes, backslashes, control characters,
 * separators or header-breaking characters); `filename*` (RFC 5987/6266) carries the
 * real name UTF-8 percent-encoded, which browsers prefer.
 */
export function attachmentDisposition(fileName: string): string {
  const name = baseName(fileName);
  const ascii =
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^\x20-\x7e]/g, '_')
      .replace(/["\\;%]/g, '_')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 150) || FALLBACK;
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRfc5987(name.slice(0, 200))}`;
}

/** The last path segment, without control characters; a name of only dots becomes the fallback. */
function baseName(fileName: string): string {
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point of this pattern
  const stripped = fileName.replace(/[\u0000-\u001f\u007f]/g, '');
  const last = stripped.split(/[/\\]/).pop() ?? '';
  const trimmed = last.trim();
  return /^\.*$/.test(trimmed) ? FALLBACK : trimmed;
}

function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
