import { Injectable } from '@nestjs/common';
import type { WorkspaceRole } from '@fpms/auth/permissions';
import { EventEnvelope, MemberChangedData, WorkspaceEvents } from '@fpms/contracts';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { EventSubscriber } from '@fpms/messaging';
import { roomsFor } from './realtime-rooms';
import { RealtimeGateway } from './realtime.gateway';

/**
 * The gateway's realtime queue (`realtime.events`, shared by every replica, so each event
 * is taken once): `messaging.*` events are emitted to the rooms the room rule names, and
 * the Redis adapter carries each emit to whichever replica holds the sockets; membership
 * changes move the member's sockets in or out of the workspace's rooms. Socket event name:
 * the routing key; payload: `{ id, type, occurredAt, data }` (clients dedupe on `id`: a
 * redelivery emits again).
 */
@Injectable()
export class RealtimeEventsSubscriber implements EventSubscriber {
  constructor(private readonly gateway: RealtimeGateway) {}

  async handle(event: EventEnvelope, _manager: TenantManager): Promise<void> {
    if (event.type === WorkspaceEvents.memberRemoved) {
      const data = event.data as MemberChangedData;
      this.gateway.leaveWorkspace(data.userId, data.workspaceId);
      return;
    }
    if (event.type === WorkspaceEvents.memberAdded || event.type === WorkspaceEvents.memberRoleChanged) {
      const data = event.data as MemberChangedData;
      if (data.role) this.gateway.placeMember(data.userId, data.workspaceId, data.role as WorkspaceRole);
      return;
    }
    if (!event.type.startsWith('messaging.')) return;
    const rooms = roomsFor(event.data);
    if (rooms.length === 0) return;
    this.gateway.server.to(rooms).emit(event.type, { id: event.id, type: event.type, occurredAt: event.occurredAt, data: event.data });
  }
}
