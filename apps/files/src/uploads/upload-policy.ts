import { FilesError } from '../files/files.errors';

/** Whether `contentType` is in the allowed list (`type/*` entries allow a whole family). */
export function isContentTypeAllowed(contentType: string, allowed: readonly string[]): boolean {
  const type = contentType.toLowerCase();
  return allowed.some((entry) => (entry.endsWith('/*') ? type.startsWith(entry.slice(0, -1)) : type === entry));
}

export function assertContentTypeAllowed(contentType: string, allowed: readonly string[]): void {
  if (!isContentTypeAllowed(contentType, allowed)) throw FilesError.contentTypeNotAllowed(contentType, [...allowed]);
}

/** Part size and count for a multipart upload: S3 allows at most 10,000 parts. */
export function multipartLayout(size: number, preferredPartSize: number): Array<{ partNumber: number; size: number }> {
  const partSize = Math.max(preferredPartSize, Math.ceil(size / 10_000));
  const parts: Array<{ partNumber: number; size: number }> = [];
  for (let offset = 0, n = 1; offset < size; offset += partSize, n++)
    parts.push({ partNumber: n, size: Math.min(partSize, size - offset) });
  return parts;
}
