import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { UserEmailChangedData, UserRegisteredData } from '@fpms/contracts';

export interface Contact {
  userId: string;
  email: string;
  displayName: string;
}

/** Users' email addresses (gateway.user.registered): global rows, read by user id only. */
@Injectable()
export class NotificationContactsRepository {
  async upsert(manager: EntityManager, user: UserRegisteredData): Promise<void> {
    await manager.query(
      `insert into notification_contacts (user_id, email, display_name, owned_account_id) values ($1, $2, $3, $4)
       on conflict (user_id) do update set email = excluded.email, display_name = excluded.display_name,
         owned_account_id = coalesce(excluded.owned_account_id, notification_contacts.owned_account_id), updated_at = now()`,
      [user.userId, user.email.toLowerCase(), user.displayName, user.ownedAccountId],
    );
  }

  /** The user's address changed (gateway.user.email_changed): notifications follow it. */
  async changeEmail(manager: EntityManager, change: UserEmailChangedData): Promise<void> {
    await manager.query(`update notification_contacts set email = $2, updated_at = now() where user_id = $1`, [
      change.userId,
      change.email.toLowerCase(),
    ]);
  }

  /**
   * The user erased their account (gateway.user.erased): their address and name are
   * forgotten, so nothing is emailed to them again. Idempotent.
   */
  async erase(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`delete from notification_contacts where user_id = $1`, [userId]);
  }

  async find(manager: EntityManager, userId: string): Promise<Contact | null> {
    const [row] = await manager.query(`select user_id, email, display_name from notification_contacts where user_id = $1`, [userId]);
    return row ? { userId: row.user_id, email: row.email, displayName: row.display_name } : null;
  }

  async ownersOf(manager: EntityManager, accountId: string): Promise<string[]> {
    const rows: { user_id: string }[] = await manager.query(`select user_id from notification_contacts where owned_account_id = $1`, [
      accountId,
    ]);
    return rows.map((r) => r.user_id);
  }
}
