import { Injectable } from '@nestjs/common';
import type { SystemManager } from '@fpms/database/tenant-manager';

/** The one cross-tenant read of invitations: from a token to its tenant, on the system pool. */
@Injectable()
export class InvitationTokenLookupRepository {
  /**
   * Which tenant a token belongs to. The token is the credential and arrives before any
   * tenant is known, so this one lookup is cross-tenant by nature and runs as the system
   * role; it returns ids only, and the rest happens in a tenant-scoped transaction.
   */
  async locate(manager: SystemManager, hash: Buffer): Promise<{ id: string; workspaceId: string; accountId: string } | null> {
    const [row] = await manager.query(`select id, workspace_id, account_id from workspace_invitations where token_hash = $1`, [hash]);
    return row ? { id: row.id, workspaceId: row.workspace_id, accountId: row.account_id } : null;
  }
}
