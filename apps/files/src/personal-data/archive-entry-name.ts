/**
 * A file's path inside the export's ZIP: `files/<workspace>/<file>/v<n>-<name>`. The ids
 * keep entries unique; the name is the user's own, stripped of path separators and control
 * characters and cut to a length every unzip tool accepts, so no entry can escape its folder.
 */
export function archiveEntryName(input: { workspaceId: string; fileId: string; number: number; name: string }): string {
  const cleaned = input.name
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f/\\]/g, '_')
    .replace(/^\.+/, '_')
    .slice(0, 150);
  return `files/${input.workspaceId}/${input.fileId}/v${input.number}-${cleaned || 'file'}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Where an export's ZIP lives in object storage, from our own ids only. */
export function archiveStorageKey(userId: string, exportId: string): string {
  if (!UUID.test(userId) || !UUID.test(exportId)) throw new Error('archiveStorageKey: ids must be lowercase UUIDs');
  return `users/${userId}/exports/${exportId}.zip`;
}
