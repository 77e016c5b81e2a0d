import { Inject, Injectable } from '@nestjs/common';
import { WorkspaceSide } from '@fpms/auth/permissions';
import { InvitationView } from '@fpms/contracts';
import { Clock } from '@fpms/common/scheduling/clock';
import { writeQuery } from '@fpms/database';
import type { TenantManager } from '@fpms/database/tenant-manager';

interface InvitationRow {
  id: string;
  workspace_id: string;
  account_id: string;
  role: InvitationView['role'];
  email: string | null;
  max_uses: number;
  uses: number;
  expires_at: Date;
  revoked_at: Date | null;
  created_by: string;
  created_at: Date;
  issuer_side: WorkspaceSide;
}

/** `issuerSide`: which side created it; the freelancer side may only bring in the first client admin. */
export type Invitation = InvitationView & { accountId: string; issuerSide: WorkspaceSide };

const COLUMNS = `id, workspace_id, account_id, role, email, max_uses, uses, expires_at, revoked_at, created_by, created_at, issuer_side`;

function toInvitation(r: InvitationRow, now: Date): Invitation {
  const status: InvitationView['status'] = r.revoked_at
    ? 'revoked'
    : new Date(r.expires_at) <= now
      ? 'expired'
      : r.uses >= r.max_uses
        ? 'used_up'
        : 'active';
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    accountId: r.account_id,
    role: r.role,
    email: r.email,
    maxUses: r.max_uses,
    uses: r.uses,
    expiresAt: new Date(r.expires_at).toISOString(),
    revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
    status,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at).toISOString(),
    issuerSide: r.issuer_side,
  };
}

/** Expiry (status, whether a use may still be taken) and revocation times read the injected clock. */
@Injectable()
export class InvitationsRepository {
  constructor(@Inject(Clock) private readonly clock: Clock) {}

  async insert(
    manager: TenantManager,
    inv: {
      id: string;
      workspaceId: string;
      accountId: string;
      tokenHash: Buffer;
      role: string;
      email: string | null;
      maxUses: number;
      expiresAt: Date;
      createdBy: string;
      issuerSide: WorkspaceSide;
    },
  ): Promise<Invitation> {
    const [row]: InvitationRow[] = await manager.query(
      `insert into workspace_invitations (id, workspace_id, account_id, token_hash, role, email, max_uses, expires_at, created_by, issuer_side)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning ${COLUMNS}`,
      [
        inv.id,
        inv.workspaceId,
        inv.accountId,
        inv.tokenHash,
        inv.role,
        inv.email,
        inv.maxUses,
        inv.expiresAt,
        inv.createdBy,
        inv.issuerSide,
      ],
    );
    return toInvitation(row, this.clock.now());
  }

  async list(manager: TenantManager, workspaceId: string): Promise<Invitation[]> {
    const rows: InvitationRow[] = await manager.query(
      `select ${COLUMNS} from workspace_invitations where workspace_id = $1 order by created_at desc, id`,
      [workspaceId],
    );
    const now = this.clock.now();
    return rows.map((r) => toInvitation(r, now));
  }

  async findForUpdate(manager: TenantManager, workspaceId: string, id: string): Promise<Invitation | null> {
    const [row]: InvitationRow[] = await manager.query(
      `select ${COLUMNS} from workspace_invitations where workspace_id = $1 and id = $2 for update`,
      [workspaceId, id],
    );
    return row ? toInvitation(row, this.clock.now()) : null;
  }

  async revoke(manager: TenantManager, id: string): Promise<Invitation> {
    const now = this.clock.now();
    const {
      rows: [row],
    } = await writeQuery<InvitationRow>(
      manager,
      `update workspace_invitations set revoked_at = coalesce(revoked_at, $2) where id = $1 returning ${COLUMNS}`,
      [id, now],
    );
    return toInvitation(row, now);
  }

  /**
   * Takes one use, atomically: of two people racing for the last use, the row lock lets
   * one through and the other sees `uses = max_uses`.
   */
  async takeUse(manager: TenantManager, id: string, email: string): Promise<Invitation | null> {
    const now = this.clock.now();
    const { rows } = await writeQuery<InvitationRow>(
      manager,
      `update workspace_invitations set uses = uses + 1
        where id = $1 and revoked_at is null and expires_at > $3 and uses < max_uses and (email is null or email = $2)
        returning ${COLUMNS}`,
      [id, email, now],
    );
    return rows[0] ? toInvitation(rows[0], now) : null;
  }

  async findById(manager: TenantManager, id: string): Promise<Invitation | null> {
    const [row]: InvitationRow[] = await manager.query(`select ${COLUMNS} from workspace_invitations where id = $1`, [id]);
    return row ? toInvitation(row, this.clock.now()) : null;
  }
}
