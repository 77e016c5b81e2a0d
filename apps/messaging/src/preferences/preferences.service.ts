import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  EmailDelivery,
  NOTIFICATION_CATALOGUE,
  NotificationChannel,
  notificationDefinition,
  NotificationPreferencesView,
  UpdateNotificationPreferencesBody,
} from '@fpms/contracts';
import { PreferencesRepository, TypePreference, UserSettings } from './preferences.repository';

/** What the user gets for one type: their choice, else the catalogue's default. */
export interface EffectivePreference extends TypePreference {
  isDefault: boolean;
}

@Injectable()
export class PreferencesService {
  constructor(private readonly repo: PreferencesRepository) {}

  async effective(manager: EntityManager, userId: string, type: string): Promise<EffectivePreference & { settings: UserSettings }> {
    const [settings, prefs] = await Promise.all([this.repo.settings(manager, userId), this.repo.typePreferences(manager, userId)]);
    return { ...this.pick(type, prefs), settings };
  }

  async view(manager: EntityManager, userId: string): Promise<NotificationPreferencesView> {
    const [settings, prefs] = await Promise.all([this.repo.settings(manager, userId), this.repo.typePreferences(manager, userId)]);
    return { ...settings, types: NOTIFICATION_CATALOGUE.map((d) => ({ type: d.type, ...this.pick(d.type, prefs) })) };
  }

  async update(
    manager: EntityManager,
    userId: string,
    body: UpdateNotificationPreferencesBody,
    now: Date,
  ): Promise<NotificationPreferencesView> {
    const patch: Partial<UserSettings> = {};
    if (body.timeZone !== undefined) patch.timeZone = body.timeZone;
    if (body.digestHour !== undefined) patch.digestHour = body.digestHour;
    if (body.emailEnabled !== undefined) patch.emailEnabled = body.emailEnabled;
    await this.repo.saveSettings(manager, userId, patch, now);
    const current = await this.repo.typePreferences(manager, userId);
    for (const t of body.types ?? []) {
      const delivery = (t.delivery ?? current.get(t.type)?.delivery ?? notificationDefinition(t.type)!.defaultDelivery) as EmailDelivery;
      await this.repo.saveTypePreference(manager, userId, t.type, { channel: t.channel as NotificationChannel, delivery });
    }
    return this.view(manager, userId);
  }

  /** An unsubscribe link: `all` stops every notification email; a type keeps it in the app only. */
  async unsubscribe(manager: EntityManager, userId: string, scope: string, now: Date): Promise<void> {
    const def = notificationDefinition(scope);
    if (!def) {
      await this.repo.saveSettings(manager, userId, { emailEnabled: false }, now);
      return;
    }
    const current = (await this.repo.typePreferences(manager, userId)).get(scope);
    if (current?.channel === 'off') return;
    await this.repo.saveTypePreference(manager, userId, scope, { channel: 'in_app', delivery: current?.delivery ?? def.defaultDelivery });
  }

  private pick(type: string, prefs: Map<string, TypePreference>): EffectivePreference {
    const own = prefs.get(type);
    if (own) return { ...own, isDefault: false };
    const def = notificationDefinition(type)!;
    return { channel: def.defaultChannel, delivery: def.defaultDelivery, isDefault: true };
  }
}
