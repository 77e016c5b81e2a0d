import { FileDetailView, FileVersionView, FileView } from '@fpms/contracts';

export interface FileRow {
  id: string;
  account_id: string;
  workspace_id: string;
  name: string;
  created_by: string;
  created_at: Date;
  revision: number;
  deleted_at: Date | null;
  purge_after: Date | null;
}

export interface VersionRow {
  id: string;
  file_id: string;
  account_id: string;
  workspace_id: string;
  number: number;
  name: string;
  size_bytes: string;
  content_type: string;
  /** The version's own key (once ready: the completion's copy, which downloads read). */
  storage_key: string;
  /** Where the client uploads; null for versions from before staging. */
  staging_key: string | null;
  sha256: string | null;
  expected_sha256: string | null;
  status: 'pending' | 'ready';
  multipart_upload_id: string | null;
  upload_expires_at: Date;
  pinned_at: Date | null;
  pinned_by: string | null;
  pinned_for: string | null;
  created_by: string;
  created_at: Date;
  ready_at: Date | null;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function toVersionView(v: VersionRow): FileVersionView {
  return {
    id: v.id,
    fileId: v.file_id,
    number: v.number,
    name: v.name,
    size: Number(v.size_bytes),
    contentType: v.content_type,
    status: v.status,
    pinnedAt: iso(v.pinned_at),
    pinnedBy: v.pinned_by,
    pinnedFor: v.pinned_for,
    sha256: v.sha256,
    createdBy: v.created_by,
    createdAt: iso(v.created_at)!,
    readyAt: iso(v.ready_at),
  };
}

export function toFileView(f: FileRow, latest: VersionRow | null): FileView {
  return {
    id: f.id,
    workspaceId: f.workspace_id,
    name: f.name,
    createdBy: f.created_by,
    createdAt: iso(f.created_at)!,
    deletedAt: iso(f.deleted_at),
    restorableUntil: iso(f.purge_after),
    latestVersion: latest ? toVersionView(latest) : null,
  };
}

/** Versions newest first; the latest ready one is the file's current content. */
export function toFileDetailView(f: FileRow, versions: VersionRow[]): FileDetailView {
  const sorted = [...versions].sort((a, b) => b.number - a.number);
  return { ...toFileView(f, sorted.find((v) => v.status === 'ready') ?? null), versions: sorted.map(toVersionView) };
}
