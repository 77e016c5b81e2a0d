import request from 'supertest';
import { bearer, MutableClock, RunningPlatform, startPlatform } from '@fpms/harness';
import { engagement, Engagement, milestoneApi, MILESTONE_ONLY_WORKSPACE_ENV } from './support';

describe('tasks on a customisable board', () => {
  const clock = new MutableClock('2030-04-10T08:00:00Z');
  let platform: RunningPlatform;
  let e: Engagement;
  let ms: ReturnType<typeof milestoneApi>;
  const api = () => request(platform.gatewayUrl);
  const tasks = () => `/api/v1/workspaces/${e.workspaceId}/tasks`;

  beforeAll(async () => {
    platform = await startPlatform({ services: ['gateway', 'workspace'], clock, env: { workspace: MILESTONE_ONLY_WORKSPACE_ENV } });
    e = await engagement(platform);
    ms = milestoneApi(platform, e);
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('starts with a default board, lets the owner customise it, and refuses removing a status in use', async () => {
    const board = await api().get(`/api/v1/workspaces/${e.workspaceId}/task-statuses`).set(bearer(e.viewer.token));
    expect(board.status).toBe(200);
    expect(board.body.items.map((s: { key: string }) => s.key)).toEqual(['todo', 'in_progress', 'in_review', 'done']);

    const custom = [
      { key: 'backlog', name: 'Backlog', category: 'todo' },
      { key: 'doing', name: 'Doing', category: 'in_progress' },
      { key: 'qa', name: 'QA', category: 'in_progress' },
      { key: 'shipped', name: 'Shipped', category: 'done' },
    ];
    const put = (who: typeof e.freelancer, statuses: object[]) =>
      api().put(`/api/v1/workspaces/${e.workspaceId}/task-statuses`).set(bearer(who.token)).send({ statuses });
    expect((await put(e.client, custom)).status).toBe(403);
    const replaced = await put(e.freelancer, custom);
    expect(replaced.status).toBe(200);
    expect(replaced.body.items.map((s: { key: string; position: number }) => [s.key, s.position])).toEqual([
      ['backlog', 0],
      ['doing', 1],
      ['qa', 2],
      ['shipped', 3],
    ]);

    const t = await api().post(tasks()).set(bearer(e.client.token)).send({ title: 'Send logo files', status: 'qa' });
    expect(t.status).toBe(201);
    const inUse = await put(
      e.freelancer,
      custom.filter((s) => s.key !== 'qa'),
    );
    expect(inUse.status).toBe(409);
    expect(inUse.body.error).toMatchObject({ code: 'task_status_in_use', details: { keys: ['qa'] } });
    const recategorise = await put(
      e.freelancer,
      custom.map((s) => (s.key === 'qa' ? { ...s, category: 'done' } : s)),
    );
    expect(recategorise.status).toBe(409);
    expect(
      (
        await put(
          e.freelancer,
          custom.map((s) => (s.key === 'qa' ? { ...s, name: 'Review' } : s)),
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await put(e.freelancer, [
          { key: 'a', name: 'A', category: 'todo' },
          { key: 'b', name: 'B', category: 'todo' },
        ])
      ).status,
    ).toBe(400);
    expect(
      (
        await put(e.freelancer, [
          { key: 'Bad Key', name: 'A', category: 'todo' },
          { key: 'b', name: 'B', category: 'done' },
        ])
      ).status,
    ).toBe(400);
  });

  it('creates, assigns, moves and deletes tasks, with every status change in the activity log', async () => {
    const milestone = (await ms.create(e.freelancer, { title: 'Phase 1', amount: 1000, currency: 'EUR' })).body;
    const created = await api().post(tasks()).set(bearer(e.collaborator.token)).send({
      title: 'Wireframes',
      milestoneId: milestone.id,
      assigneeUserId: e.collaborator.userId,
      dueDate: '2030-04-20',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'backlog',
      statusCategory: 'todo',
      milestoneId: milestone.id,
      assigneeUserId: e.collaborator.userId,
      overdue: false,
      version: 1,
    });
    const id = created.body.id;

    const moved = await api().patch(`${tasks()}/${id}`).set(bearer(e.freelancer.token)).send({ status: 'doing', expectedVersion: 1 });
    expect(moved.body).toMatchObject({ status: 'doing', statusCategory: 'in_progress', version: 2 });
    expect(
      (await api().patch(`${tasks()}/${id}`).set(bearer(e.freelancer.token)).send({ status: 'doing', expectedVersion: 1 })).status,
    ).toBe(409);
    expect((await api().patch(`${tasks()}/${id}`).set(bearer(e.viewer.token)).send({ status: 'shipped' })).status).toBe(403);

    const bad = [
      [{ status: 'nowhere' }, 'unknown_task_status'],
      [{ assigneeUserId: '6f1c3c1e-5a4e-4c4b-9a59-3f6d1a2b3c4d' }, 'assignee_not_member'],
      [{ milestoneId: '6f1c3c1e-5a4e-4c4b-9a59-3f6d1a2b3c4d' }, 'unknown_milestone'],
      [{ dueDate: 'tomorrow' }, 'validation_failed'],
      [{ title: '' }, 'validation_failed'],
    ] as const;
    for (const [body, code] of bad) {
      const res = await api().patch(`${tasks()}/${id}`).set(bearer(e.freelancer.token)).send(body);
      expect({ body, status: res.status, code: res.body.error?.code }).toEqual({ body, status: 400, code });
    }

    await api().patch(`${tasks()}/${id}`).set(bearer(e.client.token)).send({ status: 'shipped' });
    const activity = (await ms.activity(e.freelancer)).body.items.filter((a: { targetId: string }) => a.targetId === id).reverse();
    expect(
      activity.map((a: { action: string; before: { status?: string } | null; after: { status?: string } | null; actorUserId: string }) => [
        a.action,
        a.before?.status ?? null,
        a.after?.status ?? null,
        a.actorUserId,
      ]),
    ).toEqual([
      ['task.created', null, 'backlog', e.collaborator.userId],
      ['task.status_changed', 'backlog', 'doing', e.freelancer.userId],
      ['task.status_changed', 'doing', 'shipped', e.client.userId],
    ]);

    expect((await api().delete(`${tasks()}/${id}`).set(bearer(e.client.token))).status).toBe(204);
    expect((await api().get(`${tasks()}/${id}`).set(bearer(e.client.token))).body.error.code).toBe('task_not_found');
  });

  it('detects overdue tasks and milestones as the calendar moves, on the list and the dashboards', async () => {
    const before = (await ms.dashboard(e.freelancer)).body;
    const soon = (await api().post(tasks()).set(bearer(e.freelancer.token)).send({ title: 'Soon', dueDate: '2030-04-12' })).body;
    const later = (await api().post(tasks()).set(bearer(e.freelancer.token)).send({ title: 'Later', dueDate: '2030-05-01' })).body;
    await ms.create(e.freelancer, { title: 'Due milestone', amount: 500, currency: 'EUR', dueDate: '2030-04-15' });

    let dash = (await ms.dashboard(e.viewer)).body;
    expect(dash.overdue).toEqual(before.overdue);
    expect(dash.nextDueDate).toBe('2030-04-12');
    expect(dash.tasks.open).toBe(before.tasks.open + 2);

    clock.set('2030-04-16T00:00:00Z');
    dash = (await ms.dashboard(e.viewer)).body;
    expect(dash.overdue).toEqual({ milestones: before.overdue.milestones + 1, tasks: before.overdue.tasks + 1 });
    expect(dash.nextDueDate).toBe('2030-05-01');
    const overdue = await api().get(`${tasks()}?overdue=true`).set(bearer(e.viewer.token));
    expect(overdue.body.items.map((t: { id: string }) => t.id)).toContain(soon.id);
    expect(overdue.body.items.map((t: { id: string }) => t.id)).not.toContain(later.id);
    expect(overdue.body.items.every((t: { overdue: boolean }) => t.overdue)).toBe(true);

    // Done is never overdue.
    await api().patch(`${tasks()}/${soon.id}`).set(bearer(e.freelancer.token)).send({ status: 'shipped' });
    dash = (await ms.dashboard(e.viewer)).body;
    expect(dash.overdue.tasks).toBe(before.overdue.tasks);
    const account = (await ms.accountDashboard(e.freelancer)).body;
    expect(account.overdue.milestones).toBe(dash.overdue.milestones);
    expect(account.workspaces).toEqual({ total: 1, active: 1 });
    expect((await api().get(`${tasks()}?overdue=maybe`).set(bearer(e.viewer.token))).status).toBe(400);
  });
});
