import { z } from 'zod';
import { realtimeAudienceSchema } from '@fpms/contracts';

/**
 * Socket.IO rooms (docs/realtime.md). Every socket of a user sits in `user:<id>`; a
 * member's sockets sit in `workspace:<id>`, and freelancer-side members' also in
 * `workspace:<id>:freelancer`. Nothing is ever emitted to a socket except through these.
 */
export const userRoom = (userId: string) => `user:${userId}`;
export const workspaceRoom = (workspaceId: string) => `workspace:${workspaceId}`;
export const freelancerRoom = (workspaceId: string) => `workspace:${workspaceId}:freelancer`;

/**
 * The room rule for an event's data: `recipientUserIds` → those users' rooms only;
 * otherwise the workspace's room, or its freelancer-side room when `internal`. Data that
 * names no audience goes nowhere (a producer's mistake must not become a broadcast).
 */
export function roomsFor(data: unknown): string[] {
  // Addressed to users (notifications): no workspace needed, and none is reached.
  const addressed = z.object({ recipientUserIds: z.array(z.uuid()).min(1) }).safeParse(data);
  if (addressed.success) return addressed.data.recipientUserIds.map(userRoom);
  const audience = realtimeAudienceSchema.partial({ internal: true }).safeParse(data);
  if (!audience.success) return [];
  const { workspaceId, internal, recipientUserIds } = audience.data as z.infer<typeof realtimeAudienceSchema>;
  if (recipientUserIds) return recipientUserIds.map(userRoom);
  return [internal === true ? freelancerRoom(workspaceId) : workspaceRoom(workspaceId)];
}
