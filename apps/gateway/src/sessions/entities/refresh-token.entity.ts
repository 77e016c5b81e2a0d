import { Column, Entity, PrimaryColumn } from 'typeorm';

export type RevokedReason = 'logout' | 'reuse_detected' | 'user_revoked' | 'password_reset' | 'password_changed' | 'session_expired';

/**
 * One refresh token of a session. A session is a *family*: the token issued at login and
 * every successor it was rotated into share `familyId`, which is also the access
 * token's `sid`. Revoking a session revokes the whole family.
 */
@Entity({ name: 'refresh_tokens' })
export class RefreshTokenEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'family_id' })
  familyId: string;

  @Column('uuid', { name: 'user_id' })
  userId: string;

  /** SHA-256 of the token's secret; the token itself is never stored. */
  @Column('bytea', { name: 'token_hash' })
  tokenHash: Buffer;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt: Date;

  /** Set when the token was rotated: presenting it again is a reuse. */
  @Column('timestamptz', { name: 'used_at', nullable: true })
  usedAt: Date | null;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt: Date | null;

  @Column('text', { name: 'revoked_reason', nullable: true })
  revokedReason: RevokedReason | null;

  @Column('uuid', { name: 'replaced_by', nullable: true })
  replacedBy: string | null;

  @Column('text', { name: 'created_ip', nullable: true })
  createdIp: string | null;

  @Column('text', { name: 'user_agent', nullable: true })
  userAgent: string | null;

  /** The session's login, carried by every token of the family. */
  @Column('timestamptz', { name: 'session_started_at' })
  sessionStartedAt: Date;

  /** The session's absolute end (SESSION_MAX_AGE_DAYS after login), however often it is refreshed. */
  @Column('timestamptz', { name: 'session_expires_at' })
  sessionExpiresAt: Date;
}
