import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** Which accounts (tenants) a user belongs to, and as what. */
@Entity({ name: 'account_memberships' })
export class AccountMembershipEntity {
  @PrimaryColumn('uuid', { name: 'user_id' })
  userId: string;

  @PrimaryColumn('uuid', { name: 'account_id' })
  accountId: string;

  @Column('text')
  role: 'owner';

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
