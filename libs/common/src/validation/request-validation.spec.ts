import {
  CreateInvitationRequest,
  CreateMilestoneBody,
  CreateUploadBody,
  CreateMilestoneRequest,
  FIELD_LIMITS,
  ListFilesQuery,
  ListTasksQuery,
  MilestonesRpc,
  NoFields,
  ReplaceTaskStatusesBody,
  UpdateMilestoneBody,
  UpdateTaskBody,
} from '@fpms/contracts';
import { AppError } from '../errors/app-error';
import { validateRequest } from './request-validation';

const WORKSPACE = '5b0a3c1e-8f4e-4a55-9f0b-4c7c2a1d9e10';

/** The fields named by the 400 `validateRequest` throws for `plain`, or [] if it passes. */
function failingFields(requestClass: new () => object, plain: unknown): string[] {
  try {
    validateRequest(requestClass, plain);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(400);
    return ((error as AppError).details as { fields: Array<{ field: string }> }).fields.map((f) => f.field);
  }
}

describe('request classes (checked the same way at the gateway and in the services)', () => {
  const milestone = { title: 'Design', amount: 1500, currency: 'EUR' };

  it('trims text and upper-cases currency codes, once and idempotently', () => {
    const once = validateRequest(CreateMilestoneBody, { ...milestone, title: '  Design  ', currency: 'eur' });
    expect(once).toMatchObject({ title: 'Design', currency: 'EUR' });
    expect(validateRequest(CreateMilestoneBody, JSON.parse(JSON.stringify(once)))).toEqual(once);
  });

  it('refuses unknown fields instead of dropping them', () => {
    expect(failingFields(CreateMilestoneBody, { ...milestone, amunt: 5 })).toEqual(['amunt']);
  });

  it('amounts are positive integers of minor units up to the shared limit', () => {
    expect(failingFields(CreateMilestoneBody, { ...milestone, amount: 12.5 })).toEqual(['amount']);
    expect(failingFields(CreateMilestoneBody, { ...milestone, amount: 0 })).toEqual(['amount']);
    expect(failingFields(CreateMilestoneBody, { ...milestone, amount: FIELD_LIMITS.amountMax + 1 })).toEqual(['amount']);
    expect(failingFields(CreateMilestoneBody, { ...milestone, amount: FIELD_LIMITS.amountMax })).toEqual([]);
  });

  it('dates must exist, not only look like dates', () => {
    expect(failingFields(CreateMilestoneBody, { ...milestone, dueDate: '2026-02-30' })).toEqual(['dueDate']);
    expect(failingFields(CreateMilestoneBody, { ...milestone, dueDate: '2028-02-29' })).toEqual([]);
  });

  it('an optional field may be absent but not null; a clearable one may be null', () => {
    expect(failingFields(UpdateMilestoneBody, { title: null })).toEqual(['title']);
    expect(failingFields(UpdateMilestoneBody, { description: null, dueDate: null })).toEqual([]);
    expect(failingFields(UpdateTaskBody, { milestoneId: null, assigneeUserId: null })).toEqual([]);
  });

  it('the RPC request is the body plus the ids of its route, each checked', () => {
    expect(failingFields(CreateMilestoneRequest, milestone)).toEqual(['workspaceId']);
    expect(failingFields(CreateMilestoneRequest, { ...milestone, workspaceId: 'not-an-id' })).toEqual(['workspaceId']);
    expect(validateRequest(CreateMilestoneRequest, { ...milestone, workspaceId: WORKSPACE })).toMatchObject({ workspaceId: WORKSPACE });
    expect(MilestonesRpc.create.request).toBe(CreateMilestoneRequest);
    expect(new CreateMilestoneRequest()).toBeInstanceOf(CreateMilestoneBody);
  });

  it('query strings become numbers and booleans, and defaults fill what is absent', () => {
    expect(validateRequest(ListTasksQuery, { limit: '20', overdue: 'true' })).toMatchObject({ limit: 20, overdue: true });
    expect(validateRequest(ListTasksQuery, {})).toMatchObject({ limit: FIELD_LIMITS.pageLimit.default });
    expect(validateRequest(ListFilesQuery, {})).toMatchObject({ deleted: false, limit: FIELD_LIMITS.fileListLimit.default });
    expect(failingFields(ListTasksQuery, { limit: 'ten', overdue: 'yes' }).sort()).toEqual(['limit', 'overdue']);
    expect(validateRequest(CreateInvitationRequest, { workspaceId: WORKSPACE, role: 'client_admin' })).toMatchObject({
      maxUses: FIELD_LIMITS.invitationMaxUses.default,
      expiresInHours: FIELD_LIMITS.invitationExpiresInHours.default,
    });
  });

  it('a cursor must fit PostgreSQL bigint', () => {
    expect(failingFields(ListTasksQuery, { before: '9223372036854775808' })).toEqual(['before']);
    expect(failingFields(ListTasksQuery, { before: '9223372036854775807' })).toEqual([]);
  });

  it('a task board needs unique keys and a done column, and each column is checked', () => {
    const todo = { key: 'todo', name: 'To do', category: 'todo' };
    const done = { key: 'done', name: 'Done', category: 'done' };
    expect(failingFields(ReplaceTaskStatusesBody, { statuses: [todo, done] })).toEqual([]);
    expect(failingFields(ReplaceTaskStatusesBody, { statuses: [todo, { ...todo, name: 'Again' }] })).toEqual(['statuses']);
    expect(failingFields(ReplaceTaskStatusesBody, { statuses: [todo, { ...done, key: 'Done!' }] })).toEqual(['statuses.1.key']);
  });

  it('file names refuse control characters; content types and checksums are carried lower-case', () => {
    const upload = { name: 'brief.pdf', size: 10, contentType: 'Application/PDF', sha256: 'AB'.repeat(32) };
    expect(validateRequest(CreateUploadBody, upload)).toMatchObject({ contentType: 'application/pdf', sha256: 'ab'.repeat(32) });
    expect(failingFields(CreateUploadBody, { ...upload, name: 'brief\u0007.pdf' })).toEqual(['name']);
  });

  it('a request that is not a JSON object is refused; one with no fields refuses any field', () => {
    expect(failingFields(CreateMilestoneBody, [milestone])).toEqual(['(root)']);
    expect(failingFields(NoFields, {})).toEqual([]);
    expect(failingFields(NoFields, { extra: 1 })).toEqual(['extra']);
  });
});
