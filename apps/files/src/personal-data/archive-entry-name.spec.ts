import { archiveEntryName, archiveStorageKey } from './archive-entry-name';

const ids = { workspaceId: '11111111-1111-4111-8111-111111111111', fileId: '22222222-2222-4222-8222-222222222222' };

describe('archive entry names', () => {
  it('keeps a plain name and prefixes it with its workspace, file and version', () => {
    expect(archiveEntryName({ ...ids, number: 2, name: 'Logo final.png' })).toBe(
      `files/${ids.workspaceId}/${ids.fileId}/v2-Logo final.png`,
    );
  });

  it('cannot leave its folder: separators, dot-dot and control characters are replaced', () => {
    const name = archiveEntryName({ ...ids, number: 1, name: '../../etc/passwd\u0000\\x' });
    expect(name).toBe(`files/${ids.workspaceId}/${ids.fileId}/v1-__.._etc_passwd__x`);
    expect(name.split('/')).toHaveLength(4);
  });

  it('refuses storage keys from anything but our ids', () => {
    expect(() => archiveStorageKey('../x', ids.fileId)).toThrow();
    expect(archiveStorageKey(ids.workspaceId, ids.fileId)).toBe(`users/${ids.workspaceId}/exports/${ids.fileId}.zip`);
  });
});
