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

/**
 * Where the client uploads a version's bytes (the only key an upload URL ever names):
 * tenant-prefixed, from our ids only, and never the version's own key, so a URL that
 * outlives the upload cannot touch what was delivered.
 */
export function stagingKey(parts: StorageKeyParts): string {
  for (const [name, value] of Object.entries(parts)) {
    if (!UUID.test(value)) throw new Error(`stagingKey: ${name} must be a lowercase UUID`);
  }
  return `accounts/${parts.accountId}/workspaces/${parts.workspaceId}/staging/${parts.fileId}/${parts.versionId}`;
}

/** One completion attempt's copy of a version: attempts never share a key, so a losing one removes only its own. */
export function deliveredKey(parts: StorageKeyParts, attemptId: string): string {
  if (!UUID.test(attemptId)) throw new Error('deliveredKey: attemptId must be a lowercase UUID');
  return `${storageKey(parts)}/${attemptId}`;
}
