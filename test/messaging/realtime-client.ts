import { io, Socket } from 'socket.io-client';
import { eventually } from '@fpms/harness';

export interface ReceivedEvent {
  name: string;
  payload: { id?: string; type?: string; data?: Record<string, unknown> } & Record<string, unknown>;
  at: number;
}

export interface TestSocket {
  socket: Socket;
  /** Every event this socket received, in order (connection events excluded). */
  events: ReceivedEvent[];
  /** Resolves with `ready`'s payload once the server has joined the socket to its rooms. */
  ready: Promise<{ userId: string; workspaceIds: string[] }>;
  emitWithAck<T = { ok: boolean; error?: { status: number; code: string } }>(name: string, body: unknown): Promise<T>;
  /** Events named `name` whose data has `data[key] === value`. */
  received(name: string, match?: (data: Record<string, unknown>) => boolean): ReceivedEvent[];
  close(): void;
}

/** A real socket.io-client connected to one gateway replica (websocket transport: no sticky sessions needed). */
export function connectSocket(gatewayUrl: string, token: string): TestSocket {
  const socket = io(gatewayUrl, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  const events: ReceivedEvent[] = [];
  socket.onAny((name: string, payload: ReceivedEvent['payload']) => events.push({ name, payload, at: Date.now() }));
  const ready = new Promise<{ userId: string; workspaceIds: string[] }>((resolve, reject) => {
    socket.once('ready', resolve);
    socket.once('connect_error', reject);
  });
  return {
    socket,
    events,
    ready,
    emitWithAck: (name, body) => socket.timeout(5000).emitWithAck(name, body),
    received: (name, match) =>
      events.filter((e) => e.name === name && (!match || match((e.payload.data ?? e.payload) as Record<string, unknown>))),
    close: () => socket.close(),
  };
}

/** Waits (at most `timeoutMs`) until `socket` has received a `name` event matching `match`, and returns it. */
export function receives(socket: TestSocket, name: string, match: (data: Record<string, unknown>) => boolean, timeoutMs = 1000) {
  return eventually(`${name} on socket`, async () => socket.received(name, match)[0], { timeoutMs, intervalMs: 10 });
}
