import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { FIELD_LIMITS, MilestonesRpc, RpcContext } from '@fpms/contracts';
import { AppError } from '@fpms/common/errors/app-error';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { bearer, createWorkspace, RunningPlatform, signUp, SignedUpUser, startPlatform } from '@fpms/harness';

// The one place the maximum amount is written, changed for this file only: every module that
// reads it (the gateway's HTTP validation and the workspace service's RPC check, both running
// in this process) sees 5,000 instead of 10^12.
jest.mock('../../libs/contracts/src/requests/field-limits', () => {
  const actual = jest.requireActual('../../libs/contracts/src/requests/field-limits');
  return { FIELD_LIMITS: { ...actual.FIELD_LIMITS, amountMax: 5000 } };
});

/** A limit is written once in libs/contracts: changing it moves the gateway's 400 and the service's check together. */
describe('request limits defined once', () => {
  let platform: RunningPlatform;
  let owner: SignedUpUser;
  let workspaceId: string;

  beforeAll(async () => {
    platform = await startPlatform({ services: ['gateway', 'workspace'] });
    owner = await signUp(platform.gatewayUrl);
    workspaceId = (await createWorkspace(platform.gatewayUrl, owner)).id;
  });

  afterAll(async () => {
    await platform?.close();
  });

  const createThroughGateway = (amount: number) =>
    request(platform.gatewayUrl)
      .post(`/api/v1/workspaces/${workspaceId}/milestones`)
      .set(bearer(owner.token))
      .send({ title: 'Design', amount, currency: 'EUR' });

  it('runs with the changed limit', () => {
    expect(FIELD_LIMITS.amountMax).toBe(5000);
  });

  it('the gateway answers 400 naming the amount just above the changed limit, and accepts it at the limit', async () => {
    const above = await createThroughGateway(5001);
    expect(above.status).toBe(400);
    expect(above.body.error.code).toBe('validation_failed');
    expect(above.body.error.details.fields).toEqual([{ field: 'amount', messages: ['amount must not be greater than 5000'] }]);

    const at = await createThroughGateway(5000);
    expect(at.status).toBe(201);
    expect(at.body.amount).toBe(5000);
  });

  it('the workspace service refuses the same amount when the gateway is bypassed', async () => {
    const rpc = new RpcClient({ url: platform.amqpUrl });
    try {
      const ctx: RpcContext = {
        requestId: randomUUID(),
        userId: owner.userId,
        accountId: owner.accountId,
        workspaceId,
        token: owner.token,
      };
      const refused = await rpc.call(MilestonesRpc.create, { workspaceId, title: 'Direct', amount: 5001, currency: 'EUR' }, ctx).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(AppError);
      expect(refused).toMatchObject({
        status: 400,
        code: 'validation_failed',
        details: { fields: [{ field: 'amount', messages: ['amount must not be greater than 5000'] }] },
      });

      const accepted = await rpc.call(MilestonesRpc.create, { workspaceId, title: 'Direct', amount: 5000, currency: 'EUR' }, ctx);
      expect(accepted.amount).toBe(5000);
    } finally {
      await rpc.close();
    }
  });
});
