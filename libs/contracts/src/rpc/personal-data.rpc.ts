import { NoFields } from '../requests/addressed';
import { BuildPersonalDataArchiveRequest, PersonalDataArchiveUrlRequest } from '../requests/personal-data.requests';
import { rpcPattern, rpcQueue } from './rpc-pattern';

/**
 * What one service holds about the caller (issue 18 part 4: export), as named JSON
 * documents: `<name>.json` → value. Only rows the user is the subject of (their profile,
 * memberships, what they wrote, uploaded, paid or asked for), never another person's.
 */
export interface PersonalDataSections {
  sections: Record<string, unknown>;
}

/** The archive the files service stored: its size and checksum, and how many of the user's files it holds. */
export interface PersonalDataArchiveView {
  exportId: string;
  sizeBytes: number;
  sha256: string;
  files: number;
  expiresAt: string;
}

export interface PersonalDataArchiveUrlView {
  url: string;
  expiresAt: string;
}

/** Export's RPCs, one per service; each is answered for the verified user of the context. */
export const PersonalDataRpc = {
  workspace: rpcPattern<PersonalDataSections>()(rpcQueue('workspace'), 'workspace.personal_data.export', NoFields),
  messaging: rpcPattern<PersonalDataSections>()(rpcQueue('messaging'), 'messaging.personal_data.export', NoFields),
  billing: rpcPattern<PersonalDataSections>()(rpcQueue('billing'), 'billing.personal_data.export', NoFields),
  /** Adds the user's uploads (metadata and bytes) to the sections and stores the ZIP; idempotent per export id. */
  buildArchive: rpcPattern<PersonalDataArchiveView>()(
    rpcQueue('files'),
    'files.personal_data.build_archive',
    BuildPersonalDataArchiveRequest,
  ),
  /** 404 unless the archive is the caller's and not yet expired. */
  archiveUrl: rpcPattern<PersonalDataArchiveUrlView>()(rpcQueue('files'), 'files.personal_data.archive_url', PersonalDataArchiveUrlRequest),
} as const;
