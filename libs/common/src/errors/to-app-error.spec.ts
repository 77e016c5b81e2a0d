import { BadRequestException, NotFoundException } from '@nestjs/common';
import { MilestoneErrorCode, TaskErrorCode } from '@fpms/contracts/errors';
import { AppError } from './app-error';
import { toAppError } from './to-app-error';

describe('toAppError', () => {
  it('keeps AppErrors and revives wire errors from other services', () => {
    const original = new AppError(409, MilestoneErrorCode.InvalidTransition, 'No', { id: 1 });
    expect(toAppError(original)).toBe(original);
    expect(toAppError(original.toWire())).toMatchObject({ status: 409, code: 'invalid_milestone_transition', details: { id: 1 } });
  });

  it('is typed by its code enum: a feature error carries only its own codes, never a string', () => {
    class TaskError extends AppError<TaskErrorCode> {}
    expect(new TaskError(404, TaskErrorCode.TaskNotFound, 'x').code).toBe('task_not_found');
    // @ts-expect-error another feature's code
    new TaskError(404, MilestoneErrorCode.MilestoneNotFound, 'x');
    // @ts-expect-error a string literal, even one that is a task code
    new TaskError(404, 'task_not_found', 'x');
    // @ts-expect-error not a code at all
    new AppError(409, 'milestone_not_fundable', 'x');
  });

  it('maps body-parser failures to client errors', () => {
    expect(toAppError(Object.assign(new SyntaxError('x'), { type: 'entity.parse.failed', status: 400 }))).toMatchObject({
      status: 400,
      code: 'invalid_json',
    });
    expect(toAppError({ type: 'entity.too.large', status: 413, limit: 100 })).toMatchObject({ status: 413, code: 'payload_too_large' });
  });

  it("recognises the JSON parse errors Nest's router rethrows as BadRequestException", () => {
    const mapped = toAppError(new BadRequestException("Expected ',' or '}' after property value in JSON at position 7"));
    expect(mapped).toMatchObject({ status: 400, code: 'invalid_json', details: { reason: expect.stringContaining('position 7') } });
  });

  it('maps Nest HTTP exceptions by status', () => {
    expect(toAppError(new NotFoundException('Cannot GET /x'))).toMatchObject({ status: 404, code: 'not_found' });
    expect(toAppError(new BadRequestException(['a', 'b']))).toMatchObject({ status: 400, message: 'a; b' });
  });

  it('hides unknown errors behind a 500 that says nothing', () => {
    const mapped = toAppError(new Error('password=hunter2 at db.ts:42'));
    expect(mapped).toMatchObject({ status: 500, code: 'internal_error', message: 'Internal error' });
  });

  it('maps a dependency outage (PostgreSQL restarting, broker channel closing) to a retryable 503', () => {
    const pg = (code: string, message = 'x') => Object.assign(new Error(message), { code });
    const typeorm = (driverError: Error) => Object.assign(new Error(driverError.message), { name: 'QueryFailedError', driverError });
    for (const error of [
      pg('57P01', 'terminating connection due to administrator command'),
      pg('57P03', 'the database system is starting up'),
      pg('08006'),
      typeorm(pg('57P01')),
      new Error('Connection terminated unexpectedly'),
      typeorm(new Error('Connection terminated')),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('Channel closed'), { name: 'IllegalOperationError' }),
      new Error('Channel ended, no reply will be forthcoming'),
      Object.assign(new Error('Query runner already released. Cannot run queries anymore.'), { name: 'QueryRunnerAlreadyReleasedError' }),
      Object.assign(new Error('Database connection provided by a query runner was already released'), {
        name: 'QueryRunnerProviderAlreadyReleasedError',
      }),
    ]) {
      expect(toAppError(error)).toMatchObject({ status: 503, code: 'service_unavailable', details: { retryable: true } });
    }
    // A constraint violation is the request's problem or a bug, not an outage.
    expect(toAppError(pg('23505', 'duplicate key'))).toMatchObject({ status: 500 });
  });
});
