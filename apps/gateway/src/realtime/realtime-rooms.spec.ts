import { randomUUID } from 'node:crypto';
import { freelancerRoom, roomsFor, userRoom, workspaceRoom } from './realtime-rooms';

describe('the realtime room rule', () => {
  const workspaceId = randomUUID();

  it('sends to the named recipients only, when there are any', () => {
    const [a, b] = [randomUUID(), randomUUID()];
    expect(roomsFor({ workspaceId, internal: false, recipientUserIds: [a, b] })).toEqual([userRoom(a), userRoom(b)]);
    expect(roomsFor({ workspaceId, internal: true, recipientUserIds: [a] })).toEqual([userRoom(a)]);
    // A notification about no workspace (an account's subscription) still reaches its recipient.
    expect(roomsFor({ workspaceId: null, recipientUserIds: [b] })).toEqual([userRoom(b)]);
  });

  it('sends to the workspace, or its freelancer side for internal events', () => {
    expect(roomsFor({ workspaceId, internal: false })).toEqual([workspaceRoom(workspaceId)]);
    expect(roomsFor({ workspaceId, internal: true })).toEqual([freelancerRoom(workspaceId)]);
    expect(roomsFor({ workspaceId })).toEqual([workspaceRoom(workspaceId)]);
  });

  it('sends data that names no audience nowhere', () => {
    expect(roomsFor({})).toEqual([]);
    expect(roomsFor({ workspaceId: 'not-a-uuid', internal: false })).toEqual([]);
    expect(roomsFor(null)).toEqual([]);
    expect(roomsFor({ workspaceId, recipientUserIds: ['nope'] })).toEqual([]);
  });
});
