import { Injectable } from '@nestjs/common';
import type { SystemManager } from '@fpms/database/tenant-manager';

/**
 * SQL of personal-data export (issue 18 part 4) in messaging. A user's messages outlive
 * their membership (a removed member's messages stay theirs), so these read across tenants
 * on the system connection, every query bound to the one user id: what they wrote, the
 * notifications addressed to them, their read cursors, preferences and contact.
 */
@Injectable()
export class PersonalDataRepository {
  async sections(manager: SystemManager, userId: string): Promise<Record<string, unknown>> {
    const q = (sql: string) => manager.query(sql, [userId]) as Promise<unknown[]>;
    const [contact] = await q(
      `select email, display_name as "displayName", updated_at as "updatedAt" from notification_contacts where user_id = $1`,
    );
    const [settings] = await q(
      `select time_zone as "timeZone", digest_hour as "digestHour", email_enabled as "emailEnabled" from notification_settings where user_id = $1`,
    );
    return {
      'messaging/messages.json': await q(
        `select m.id, m.workspace_id as "workspaceId", m.thread_id as "threadId", t.kind as "threadKind", t.title as "threadTitle",
                m.text, m.attachments, m.internal, m.created_at as "createdAt", m.edited_at as "editedAt", m.deleted_at as "deletedAt"
           from messages m join threads t on t.id = m.thread_id
          where m.author_id = $1
          order by m.created_at, m.id`,
      ),
      'messaging/notifications.json': await q(
        `select id, workspace_id as "workspaceId", type, headline, subject_kind as "subjectKind", subject_id as "subjectId",
                created_at as "createdAt", read_at as "readAt"
           from notifications where user_id = $1 order by created_at, id`,
      ),
      'messaging/read-state.json': await q(
        `select thread_id as "threadId", workspace_id as "workspaceId", last_read_seq as "lastReadSeq", updated_at as "updatedAt"
           from read_states where user_id = $1 order by workspace_id, thread_id`,
      ),
      'messaging/preferences.json': {
        contact: contact ?? null,
        settings: settings ?? null,
        types: await q(`select type, channel, delivery from notification_preferences where user_id = $1 order by type`),
      },
    };
  }
}
