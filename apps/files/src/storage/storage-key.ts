const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface StorageKeyParts {
  accountId: string;
  workspaceId: string;
  fileId: string;
  versionId: string;
}

/**
 * Where a version's bytes live: tenant-prefixed and built from our own ids only, never
 * from anything the user typed (file names are metadata). Refuses anything but lowercase
 * UUIDs, so no input can add a path segment or escape the prefix.
 */
export function storageKey(parts: StorageKeyParts): string {
  for (const [name, value] of Object.entries(parts)) {
    if (!UUID.test(value)) throw new Error(`storageKey: ${name} must be a lowercase UUID`);
  }
  return `accounts/${parts.accountId}/workspaces/${parts.workspaceId}/files/${parts.fileId}/${parts.versionId}`;
}
