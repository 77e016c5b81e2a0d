import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type PlanName = 'free' | 'pro' | 'enterprise';

/** A freelancer's business: the SaaS tenant. Its id is the `account_id` of every row it owns. */
@Entity({ name: 'accounts' })
export class AccountEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('text', { default: 'free' })
  plan: PlanName;

  @Column('uuid', { name: 'owner_user_id' })
  ownerUserId: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
