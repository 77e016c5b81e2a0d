import request from 'supertest';
import { DataSource } from 'typeorm';
import { MessagingEvents, WorkspaceEvents } from '@fpms/contracts';
import { bearer, connectServiceDb, eventually, RunningPlatform, startPlatform } from '@fpms/harness';
import type { ServiceName } from '@fpms/database/service-names';
import { engagement, Engagement, milestoneApi, MILESTONE_ONLY_WORKSPACE_ENV } from '../milestones/support';

type Line = { service: ServiceName; line: Record<string, unknown> };

/**
 * One request id from a gateway request through the events it causes: the client accepts a
 * milestone (gateway → workspace RPC), the workspace's `workspace.milestone.accepted` is
 * consumed by billing and messaging, messaging's `messaging.notification.created` by the
 * gateway's realtime consumer. Every service's log lines and every outbox row on the way
 * name the caller's X-Request-Id.
 */
describe('request id across events', () => {
  let platform: RunningPlatform;
  let e: Engagement;
  const dbs: Partial<Record<ServiceName, DataSource>> = {};
  const lines: Line[] = [];
  const info = { LOG_LEVEL: 'info' };

  beforeAll(async () => {
    platform = await startPlatform({
      services: ['gateway', 'workspace', 'billing', 'messaging'],
      env: { gateway: info, workspace: { ...MILESTONE_ONLY_WORKSPACE_ENV, ...info }, billing: info, messaging: info },
      logSink: (service, line) => lines.push({ service, line }),
    });
    e = await engagement(platform);
    for (const service of ['workspace', 'messaging', 'billing'] as const)
      dbs[service] = await connectServiceDb(service, 'system', platform.dbPrefix);
    // Messaging learns the members from events: the notification of the acceptance needs the freelancer's side known.
    await eventually('messaging knows the four members', async () => {
      const [{ n }] = await dbs.messaging!.query(`select count(*)::int as n from thread_members where workspace_id = $1`, [e.workspaceId]);
      return n === 4;
    });
  });

  afterAll(async () => {
    for (const db of Object.values(dbs)) await db?.destroy();
    await platform?.close();
  });

  const handled = (requestId: string, service: ServiceName, type: string) =>
    lines.find((l) => l.service === service && l.line.msg === 'event handled' && l.line.type === type && l.line.requestId === requestId);

  it('names the X-Request-Id of a milestone acceptance in every service it reaches, and on every event it causes', async () => {
    const ms = milestoneApi(platform, e);
    const created = await ms.create(e.freelancer, { title: 'Traced work', amount: 90_000, currency: 'EUR' });
    expect(created.status).toBe(201);
    expect((await ms.act(e.freelancer, created.body.id, 'propose')).status).toBe(200);

    const requestId = `accept-${Date.now()}`;
    const accepted = await request(platform.gatewayUrl)
      .post(`/api/v1/workspaces/${e.workspaceId}/milestones/${created.body.id}/accept`)
      .set(bearer(e.client.token))
      .set('X-Request-Id', requestId)
      .send({});
    expect(accepted.status).toBe(200);

    await eventually('every consumer handled the events of the request', async () =>
      Boolean(
        handled(requestId, 'billing', WorkspaceEvents.milestoneAccepted) &&
        handled(requestId, 'messaging', WorkspaceEvents.milestoneAccepted) &&
        handled(requestId, 'gateway', MessagingEvents.notificationCreated),
      ),
    );
    const mine = lines.filter((l) => l.line.requestId === requestId);
    expect(new Set(mine.map((l) => l.service))).toEqual(new Set(['gateway', 'workspace', 'billing', 'messaging']));
    expect(mine.find((l) => l.service === 'gateway' && l.line.msg === 'http request')?.line).toMatchObject({ method: 'POST', status: 200 });
    expect(mine.find((l) => l.service === 'workspace' && l.line.msg === 'rpc handled')?.line).toMatchObject({ outcome: 'ok' });
    for (const [service, type] of [
      ['billing', WorkspaceEvents.milestoneAccepted],
      ['messaging', WorkspaceEvents.milestoneAccepted],
      ['gateway', MessagingEvents.notificationCreated],
    ] as const) {
      expect(handled(requestId, service, type)?.line).toMatchObject({ outcome: 'applied' });
    }

    // The rows the relays published: the id in the envelope and in the AMQP headers.
    const outbox = (service: ServiceName, type: string) =>
      dbs[service]!.query(`select id, payload, headers from outbox_messages where routing_key = $1 and payload->>'aggregateId' = $2`, [
        type,
        created.body.id,
      ]) as Promise<Array<{ id: string; payload: { requestId?: string }; headers: Record<string, string> }>>;
    const [acceptedEvent] = await outbox('workspace', WorkspaceEvents.milestoneAccepted);
    expect(acceptedEvent).toMatchObject({ payload: { requestId }, headers: { 'x-request-id': requestId } });
    const notifications = (await dbs.messaging!.query(
      `select payload, headers from outbox_messages where routing_key = $1 and payload->'data'->>'type' = 'milestone.accepted'
        and payload->'tenant'->>'workspaceId' = $2`,
      [MessagingEvents.notificationCreated, e.workspaceId],
    )) as Array<{ payload: { requestId?: string }; headers: Record<string, string> }>;
    expect(notifications.length).toBeGreaterThan(0);
    for (const n of notifications) expect(n).toMatchObject({ payload: { requestId }, headers: { 'x-request-id': requestId } });
    // Consumed (inbox) by billing and messaging: the same event, so the same id.
    for (const service of ['billing', 'messaging'] as const) {
      const [{ n }] = await dbs[service]!.query(`select count(*)::int as n from inbox_messages where message_id = $1`, [acceptedEvent.id]);
      expect(n).toBe(1);
    }
  });
});
