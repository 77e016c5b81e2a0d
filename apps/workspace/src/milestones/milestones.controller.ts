import { Payload } from '@nestjs/microservices';
import { MilestonesRpc } from '@fpms/contracts';
import { RpcController, RpcHandler, VerifiedRequest } from '@fpms/messaging';
import { UserCommand } from './milestone-state-machine';
import { MilestonesService } from './milestones.service';

type CommandRpc =
  | VerifiedRequest<typeof MilestonesRpc.propose>
  | VerifiedRequest<typeof MilestonesRpc.submit>
  | VerifiedRequest<typeof MilestonesRpc.openDispute>;

@RpcController()
export class MilestonesController {
  constructor(private readonly milestones: MilestonesService) {}

  @RpcHandler(MilestonesRpc.create)
  create(@Payload() rpc: VerifiedRequest<typeof MilestonesRpc.create>) {
    const { workspaceId, ...input } = rpc.data;
    return this.milestones.create(rpc, workspaceId, input);
  }

  @RpcHandler(MilestonesRpc.list)
  list(@Payload() rpc: VerifiedRequest<typeof MilestonesRpc.list>) {
    const { workspaceId, ...q } = rpc.data;
    return this.milestones.list(rpc, workspaceId, q);
  }

  @RpcHandler(MilestonesRpc.get)
  get(@Payload() rpc: VerifiedRequest<typeof MilestonesRpc.get>) {
    return this.milestones.get(rpc, rpc.data.workspaceId, rpc.data.milestoneId);
  }

  @RpcHandler(MilestonesRpc.update)
  update(@Payload() rpc: VerifiedRequest<typeof MilestonesRpc.update>) {
    const { workspaceId, milestoneId, ...edits } = rpc.data;
    return this.milestones.update(rpc, workspaceId, milestoneId, edits);
  }

  @RpcHandler(MilestonesRpc.propose)
  propose(@Payload() rpc: VerifiedRequest<typeof MilestonesRpc.propose>) {
    return this.run(rpc, 'propose');
  }

  @RpcHandler(MilestonesRpc.decline)
  decline(@Payload() rpc: VerifiedRequest<typeof MilestonesRpc.propose>) {
    return this.run(rpc, 'decline');
  }

  @RpcHandler(MilestonesRpc.accept)
  accept(@Payload() rpc: VerifiedRequest<typeof MilestonesRpc.propose>) {
    return this.run(rpc, 'accept');
  }

  @RpcHandler(MilestonesRpc.startFunding)
  startFunding(@Payload() rpc: VerifiedRequest<typeof MilestonesRpc.propose>) {
    return this.run(rpc, 'start_funding');
  }

  @RpcHandler(MilestonesRpc.submit)
  submit(@Payload() rpc: VerifiedRequest<typeof MilestonesRpc.submit>) {
    return this.run(rpc, 'submit');
  }

  @RpcHandler(MilestonesRpc.requestChanges)
  requestChanges(@Payload() rpc: VerifiedRequest<typeof MilestonesRpc.propose>) {
    return this.run(rpc, 'request_changes');
  }

  @RpcHandler(MilestonesRpc.approve)
  approve(@Payload() rpc: VerifiedRequest<typeof MilestonesRpc.propose>) {
    return this.run(rpc, 'approve');
  }

  @RpcHandler(MilestonesRpc.cancel)
  cancel(@Payload() rpc: VerifiedRequest<typeof MilestonesRpc.propose>) {
    return this.run(rpc, 'cancel');
  }

  @RpcHandler(MilestonesRpc.requestRefund)
  requestRefund(@Payload() rpc: VerifiedRequest<typeof MilestonesRpc.propose>) {
    return this.run(rpc, 'request_refund');
  }

  @RpcHandler(MilestonesRpc.openDispute)
  openDispute(@Payload() rpc: VerifiedRequest<typeof MilestonesRpc.openDispute>) {
    return this.run(rpc, 'open_dispute');
  }

  @RpcHandler(MilestonesRpc.withdrawDispute)
  withdrawDispute(@Payload() rpc: VerifiedRequest<typeof MilestonesRpc.propose>) {
    return this.run(rpc, 'withdraw_dispute');
  }

  private run(rpc: CommandRpc, command: UserCommand) {
    const { workspaceId, milestoneId, ...input } = rpc.data;
    return this.milestones.command(rpc, workspaceId, milestoneId, command, input);
  }
}
