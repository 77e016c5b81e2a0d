import { Payload } from '@nestjs/microservices';
import { MilestonesRpc } from '@fpms/contracts';
import { RpcController, RpcHandler, VerifiedRpc } from '@fpms/messaging';
import { UserCommand } from './milestone-state-machine';
import { MilestonesService } from './milestones.service';
import { MilestoneEdits } from './milestones.repository';

type CommandData = { workspaceId: string; milestoneId: string; note?: string; expectedVersion?: number; deliverableFileVersionId?: string };

@RpcController()
export class MilestonesController {
  constructor(private readonly milestones: MilestonesService) {}

  @RpcHandler(MilestonesRpc.create)
  create(
    @Payload()
    rpc: VerifiedRpc<{
      workspaceId: string;
      title: string;
      description?: string;
      amount: number;
      currency: string;
      dueDate?: string;
      reviewWindowDays?: number;
    }>,
  ) {
    const { workspaceId, ...input } = rpc.data;
    return this.milestones.create(rpc, workspaceId, input);
  }

  @RpcHandler(MilestonesRpc.list)
  list(@Payload() rpc: VerifiedRpc<{ workspaceId: string; limit: number; before?: string; status?: string }>) {
    const { workspaceId, ...q } = rpc.data;
    return this.milestones.list(rpc, workspaceId, q);
  }

  @RpcHandler(MilestonesRpc.get)
  get(@Payload() rpc: VerifiedRpc<{ workspaceId: string; milestoneId: string }>) {
    return this.milestones.get(rpc, rpc.data.workspaceId, rpc.data.milestoneId);
  }

  @RpcHandler(MilestonesRpc.update)
  update(@Payload() rpc: VerifiedRpc<{ workspaceId: string; milestoneId: string; expectedVersion?: number } & MilestoneEdits>) {
    const { workspaceId, milestoneId, ...edits } = rpc.data;
    return this.milestones.update(rpc, workspaceId, milestoneId, edits);
  }

  @RpcHandler(MilestonesRpc.propose)
  propose(@Payload() rpc: VerifiedRpc<CommandData>) {
    return this.run(rpc, 'propose');
  }

  @RpcHandler(MilestonesRpc.decline)
  decline(@Payload() rpc: VerifiedRpc<CommandData>) {
    return this.run(rpc, 'decline');
  }

  @RpcHandler(MilestonesRpc.accept)
  accept(@Payload() rpc: VerifiedRpc<CommandData>) {
    return this.run(rpc, 'accept');
  }

  @RpcHandler(MilestonesRpc.startFunding)
  startFunding(@Payload() rpc: VerifiedRpc<CommandData>) {
    return this.run(rpc, 'start_funding');
  }

  @RpcHandler(MilestonesRpc.submit)
  submit(@Payload() rpc: VerifiedRpc<CommandData>) {
    return this.run(rpc, 'submit');
  }

  @RpcHandler(MilestonesRpc.requestChanges)
  requestChanges(@Payload() rpc: VerifiedRpc<CommandData>) {
    return this.run(rpc, 'request_changes');
  }

  @RpcHandler(MilestonesRpc.approve)
  approve(@Payload() rpc: VerifiedRpc<CommandData>) {
    return this.run(rpc, 'approve');
  }

  @RpcHandler(MilestonesRpc.cancel)
  cancel(@Payload() rpc: VerifiedRpc<CommandData>) {
    return this.run(rpc, 'cancel');
  }

  @RpcHandler(MilestonesRpc.requestRefund)
  requestRefund(@Payload() rpc: VerifiedRpc<CommandData>) {
    return this.run(rpc, 'request_refund');
  }

  @RpcHandler(MilestonesRpc.openDispute)
  openDispute(@Payload() rpc: VerifiedRpc<CommandData>) {
    return this.run(rpc, 'open_dispute');
  }

  @RpcHandler(MilestonesRpc.withdrawDispute)
  withdrawDispute(@Payload() rpc: VerifiedRpc<CommandData>) {
    return this.run(rpc, 'withdraw_dispute');
  }

  private run(rpc: VerifiedRpc<CommandData>, command: UserCommand) {
    const { workspaceId, milestoneId, ...input } = rpc.data;
    return this.milestones.command(rpc, workspaceId, milestoneId, command, input);
  }
}
