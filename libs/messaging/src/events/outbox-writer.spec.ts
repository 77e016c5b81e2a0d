import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { FilesEvents, WorkspaceEvents } from '@fpms/contracts';
import { OutboxWriter } from './outbox-writer';

/**
 * The writer takes only `(type, data)` pairs of EVENT_DATA_SCHEMAS. The compile-time half
 * is proven by the `@ts-expect-error` lines: `tsc` (run before every test run) fails if any
 * of them compiles. The run-time half: data that was forced past the types is refused
 * before anything is written.
 */
describe('OutboxWriter', () => {
  const accountId = randomUUID();
  const workspaceId = randomUUID();
  const fileId = randomUUID();
  const userId = randomUUID();
  const base = { tenant: { accountId, workspaceId }, aggregateId: fileId, aggregateVersion: 1 };

  /** A manager inside a transaction that records the statements instead of running them. */
  const recordingManager = () => {
    const statements: unknown[][] = [];
    const manager = {
      queryRunner: { isTransactionActive: true },
      query: async (...args: unknown[]) => {
        statements.push(args);
        return [];
      },
    } as unknown as EntityManager;
    return { manager, statements };
  };

  it('accepts an event of the map with the data of its type', async () => {
    const { manager, statements } = recordingManager();
    const envelope = await new OutboxWriter().add(manager, {
      ...base,
      type: FilesEvents.fileRestored,
      data: { fileId, workspaceId, restoredBy: userId },
    });
    expect(envelope).toMatchObject({ type: 'files.file.restored', data: { fileId, workspaceId, restoredBy: userId } });
    expect(statements).toHaveLength(1);
  });

  it('does not compile a wrong payload, a type of another payload or an unknown type', () => {
    const writer = new OutboxWriter();
    const { manager } = recordingManager();
    // Never awaited: this test is about what compiles. Each call is refused at run time too.
    const calls = [
      // @ts-expect-error restoredBy is missing
      writer.add(manager, { ...base, type: FilesEvents.fileRestored, data: { fileId, workspaceId } }),
      writer.add(manager, {
        ...base,
        type: FilesEvents.fileRestored,
        // @ts-expect-error the data of files.file.deleted under the type files.file.restored
        data: { fileId, workspaceId, deletedBy: userId, restorableUntil: new Date().toISOString() },
      }),
      writer.add(manager, {
        ...base,
        type: WorkspaceEvents.memberAdded,
        // @ts-expect-error a member event whose role is not a role
        data: { workspaceId, userId, role: 'superuser', previousRole: null },
      }),
      // @ts-expect-error a type the platform does not publish
      writer.add(manager, { ...base, type: 'files.file.renamed', data: { fileId } }),
    ];
    return Promise.all(calls.map((call) => expect(call).rejects.toThrow(/invalid .* data|no data schema/)));
  });

  it('refuses at run time data that was forced past the types, before writing anything', async () => {
    const { manager, statements } = recordingManager();
    const forced = { ...base, type: FilesEvents.fileRestored, data: { fileId: 'not-a-uuid', workspaceId, restoredBy: userId } } as never;
    await expect(new OutboxWriter().add(manager, forced)).rejects.toThrow(/invalid files\.file\.restored data: fileId/);
    expect(statements).toHaveLength(0);
  });
});
