import { randomUUID } from 'node:crypto';
import { EventEnvelope } from '../events/event-envelope';
import { AudienceMember, resolveAudience } from './notification-audience';
import { NOTIFICATION_CATALOGUE, notificationsFor, UPCOMING_EVENTS } from './notification-catalogue';

const owner = randomUUID();
const collaborator = randomUUID();
const clientAdmin = randomUUID();
const clientViewer = randomUUID();
const members: AudienceMember[] = [
  { userId: owner, role: 'owner' },
  { userId: collaborator, role: 'collaborator' },
  { userId: clientAdmin, role: 'client_admin' },
  { userId: clientViewer, role: 'client_viewer' },
];

const posted = (data: Record<string, unknown>): EventEnvelope => ({
  id: randomUUID(),
  type: UPCOMING_EVENTS.messagePosted,
  tenant: { accountId: randomUUID(), workspaceId: randomUUID() },
  aggregateId: randomUUID(),
  aggregateVersion: 1,
  occurredAt: new Date().toISOString(),
  data: { threadId: randomUUID(), messageId: randomUUID(), ...data },
});

function audience(envelope: EventEnvelope) {
  return Object.fromEntries(
    notificationsFor(envelope).map((def) => {
      const data = envelope.data as Record<string, unknown>;
      return [
        def.type,
        resolveAudience(def.audience, {
          members,
          accountOwnerIds: [],
          subjectUserIds: def.subjectUsers?.(data) ?? [],
          actorUserId: def.actor(data),
        }),
      ];
    }),
  );
}

describe('notification catalogue', () => {
  it('has at least 25 types, each unique, with a default channel and delivery', () => {
    expect(NOTIFICATION_CATALOGUE.length).toBeGreaterThanOrEqual(25);
    expect(new Set(NOTIFICATION_CATALOGUE.map((d) => d.type)).size).toBe(NOTIFICATION_CATALOGUE.length);
    for (const d of NOTIFICATION_CATALOGUE) {
      expect(['in_app', 'email']).toContain(d.defaultChannel);
      expect(['immediate', 'digest']).toContain(d.defaultDelivery);
    }
  });

  // Produced in other branches: the mapping is ready for the event they will publish.
  it('maps a message to every member but its author, and its mentions to the mentioned members only', () => {
    const outsider = randomUUID();
    const got = audience(posted({ authorUserId: collaborator, internal: false, mentionedUserIds: [clientAdmin, outsider, collaborator] }));
    expect(got['message.posted']).toEqual([owner, clientAdmin, clientViewer].sort());
    expect(got['message.mention']).toEqual([clientAdmin]);
    expect(got['internal_note.posted']).toBeUndefined();
  });

  it('keeps internal notes on the freelancer side', () => {
    const got = audience(posted({ authorUserId: owner, internal: true }));
    expect(got['internal_note.posted']).toEqual([collaborator]);
    expect(got['message.posted']).toBeUndefined();
  });

  it('maps dispute resolution to the owner and client admins, and an invitation to its invitee', () => {
    const milestone = { milestoneId: randomUUID(), title: 'Logo', actorUserId: null };
    const resolved = audience({ ...posted({}), type: UPCOMING_EVENTS.milestoneDisputeResolved, data: milestone });
    expect(resolved['milestone.dispute_resolved']).toEqual([owner, clientAdmin].sort());
    const invitee = randomUUID();
    const invited = audience({
      ...posted({}),
      type: UPCOMING_EVENTS.invitationCreated,
      data: { inviteeUserId: invitee, invitedBy: owner },
    });
    expect(invited['invitation.received']).toEqual([invitee]);
  });
});
