import { Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import { randomUUID } from 'node:crypto';
import type { Server, Socket } from 'socket.io';
import { AccessTokenService } from '@fpms/auth/access-token';
import { sideOf, WorkspaceAction, WorkspaceRole } from '@fpms/auth/permissions';
import { AppError } from '@fpms/common/errors/app-error';
import { Metrics } from '@fpms/common/metrics/metrics';
import { RpcContext, WorkspaceRpc } from '@fpms/contracts';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { freelancerRoom, userRoom, workspaceRoom } from './realtime-rooms';
import { realtimeMetrics } from './realtime.metrics';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the gateway keeps per socket: who it is, the token it acts with, and when that token ends. */
interface SocketSession {
  userId: string;
  accountId?: string;
  token: string;
  expiryTimer?: NodeJS.Timeout;
}

type Ack = { ok: true; [key: string]: unknown } | { ok: false; error: { status: number; code: string; message: string } };

const failure = (error: unknown): Ack => {
  const e = error as { status?: number; code?: string; message?: string };
  return { ok: false, error: { status: e.status ?? 500, code: e.code ?? 'internal_error', message: e.message ?? 'Failed' } };
};

/**
 * The realtime endpoint (Socket.IO on the gateway's HTTP server, path /socket.io). A
 * socket connects with the same access token as the REST API (`auth: { token }`), checked
 * before the connection is accepted; it is disconnected when that token expires unless
 * the client sends a fresh one (`auth.refresh`). On connect it joins its user room and
 * the rooms of every workspace it is a member of (asked live from the workspace service),
 * then receives `ready`. Server-side events reach it only through those rooms
 * (RealtimeEventsSubscriber and the room rule in realtime-rooms.ts).
 */
@WebSocketGateway()
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger(RealtimeGateway.name);

  @WebSocketServer()
  server!: Server;

  private readonly connections: ReturnType<typeof realtimeMetrics>;

  constructor(
    private readonly tokens: AccessTokenService,
    private readonly rpc: RpcClient,
    metrics: Metrics,
  ) {
    this.connections = realtimeMetrics(metrics, () => this.server?.sockets.sockets.size ?? 0);
  }

  afterInit(server: Server): void {
    // Refused here, the client gets `connect_error` with the reason and no socket exists at all.
    server.use((socket, next) => {
      try {
        const session = this.authenticate(socket.handshake.auth?.token);
        (socket.data as { session?: SocketSession }).session = session.session;
        this.scheduleExpiry(socket, session.exp);
        next();
      } catch (error) {
        this.connections.refused.inc();
        next(Object.assign(new Error((error as Error).message), { data: { code: 'unauthorized' } }));
      }
    });
  }

  async handleConnection(socket: Socket): Promise<void> {
    const session = this.sessionOf(socket);
    if (!session) return void socket.disconnect(true);
    this.connections.opened.inc();
    await socket.join(userRoom(session.userId));
    try {
      const { items } = await this.rpc.call(WorkspaceRpc.listWorkspaces, {}, this.context(session));
      for (const workspace of items) await socket.join(this.roomsOfRole(workspace.id, workspace.role));
      socket.emit('ready', { userId: session.userId, workspaceIds: items.map((w) => w.id) });
    } catch (error) {
      this.logger.warn(`realtime: could not list workspaces for ${session.userId}: ${(error as Error).message}`);
      socket.emit('session.error', { code: 'unavailable', message: 'Try connecting again' });
      socket.disconnect(true);
    }
  }

  handleDisconnect(socket: Socket): void {
    const session = this.sessionOf(socket);
    if (session?.expiryTimer) clearTimeout(session.expiryTimer);
  }

  /** A fresh access token of the same user keeps the socket open past the old one's expiry. */
  @SubscribeMessage('auth.refresh')
  refresh(@ConnectedSocket() socket: Socket, @MessageBody() body: { token?: unknown }): Ack {
    const session = this.sessionOf(socket);
    try {
      const fresh = this.authenticate(body?.token);
      if (!session || fresh.session.userId !== session.userId) throw AppError.unauthorized('The token is for another user');
      session.token = fresh.session.token;
      this.scheduleExpiry(socket, fresh.exp);
      return { ok: true, expiresAt: new Date(fresh.exp * 1000).toISOString() };
    } catch (error) {
      return failure(error);
    }
  }

  /**
   * Joins one workspace's rooms (e.g. one joined after connecting): 404 for a
   * non-member or unknown workspace, as the REST API answers.
   */
  @SubscribeMessage('workspace.subscribe')
  async subscribe(@ConnectedSocket() socket: Socket, @MessageBody() body: { workspaceId?: unknown }): Promise<Ack> {
    const session = this.sessionOf(socket);
    const workspaceId = typeof body?.workspaceId === 'string' && UUID.test(body.workspaceId) ? body.workspaceId.toLowerCase() : null;
    if (!session || !workspaceId) return failure({ status: 404, code: 'workspace_not_found', message: 'Workspace not found' });
    try {
      const grant = await this.rpc.call(
        WorkspaceRpc.authorize,
        { workspaceId, action: WorkspaceAction.ReadMessages },
        this.context(session, workspaceId),
      );
      await socket.join(this.roomsOfRole(workspaceId, grant.role));
      return { ok: true, workspaceId };
    } catch (error) {
      return failure(error);
    }
  }

  /** Typing signals go to the workspace's other sockets and are never stored; only a member's socket may send one. */
  @SubscribeMessage('typing')
  typing(@ConnectedSocket() socket: Socket, @MessageBody() body: { workspaceId?: unknown; threadId?: unknown }): Ack {
    const session = this.sessionOf(socket);
    const { workspaceId, threadId } = body ?? {};
    if (!session || typeof workspaceId !== 'string' || typeof threadId !== 'string' || !UUID.test(workspaceId) || !UUID.test(threadId)) {
      return failure({ status: 400, code: 'validation_failed', message: 'typing needs workspaceId and threadId' });
    }
    const room = workspaceRoom(workspaceId.toLowerCase());
    if (!socket.rooms.has(room)) return failure({ status: 404, code: 'workspace_not_found', message: 'Workspace not found' });
    socket.to(room).emit('typing', { workspaceId: workspaceId.toLowerCase(), threadId: threadId.toLowerCase(), userId: session.userId });
    return { ok: true };
  }

  /** Cuts (on every replica, through the adapter) a user's sockets off a workspace at once. */
  leaveWorkspace(userId: string, workspaceId: string): void {
    this.server.in(userRoom(userId)).socketsLeave([workspaceRoom(workspaceId), freelancerRoom(workspaceId)]);
  }

  /** Puts a member's sockets (on every replica) in the rooms their role allows, and out of the others. */
  placeMember(userId: string, workspaceId: string, role: WorkspaceRole): void {
    const sockets = this.server.in(userRoom(userId));
    sockets.socketsJoin(workspaceRoom(workspaceId));
    if (sideOf(role) === 'freelancer') sockets.socketsJoin(freelancerRoom(workspaceId));
    else sockets.socketsLeave(freelancerRoom(workspaceId));
  }

  private roomsOfRole(workspaceId: string, role: string): string[] {
    const rooms = [workspaceRoom(workspaceId)];
    if (role !== 'former_client' && sideOf(role as WorkspaceRole) === 'freelancer') rooms.push(freelancerRoom(workspaceId));
    return rooms;
  }

  private authenticate(token: unknown): { session: SocketSession; exp: number } {
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) throw AppError.unauthorized('Missing access token');
    const claims = this.tokens.verify(token);
    return { session: { userId: claims.sub, accountId: claims.acc, token }, exp: claims.exp };
  }

  private scheduleExpiry(socket: Socket, exp: number): void {
    const session = this.sessionOf(socket);
    if (!session) return;
    if (session.expiryTimer) clearTimeout(session.expiryTimer);
    const ms = Math.max(0, exp * 1000 - Date.now());
    session.expiryTimer = setTimeout(() => {
      socket.emit('session.expired', { message: 'Access token expired; reconnect with a new one' });
      socket.disconnect(true);
    }, ms);
    session.expiryTimer.unref();
  }

  private sessionOf(socket: Socket): SocketSession | undefined {
    return (socket.data as { session?: SocketSession }).session;
  }

  private context(session: SocketSession, workspaceId?: string): RpcContext {
    return { requestId: randomUUID(), userId: session.userId, accountId: session.accountId, workspaceId, token: session.token };
  }
}
