import { Payload } from '@nestjs/microservices';
import { TimeTrackingRpc } from '@fpms/contracts';
import { RpcController, RpcHandler, VerifiedRequest } from '@fpms/messaging';
import { HourlyContractsService } from './hourly-contracts.service';
import { TimeEntriesService } from './time-entries.service';
import { TimerService } from './timer.service';
import { TimeWeeksService } from './time-weeks.service';

@RpcController()
export class TimeTrackingController {
  constructor(
    private readonly entries: TimeEntriesService,
    private readonly timer: TimerService,
    private readonly contracts: HourlyContractsService,
    private readonly weeks: TimeWeeksService,
  ) {}

  @RpcHandler(TimeTrackingRpc.createEntry)
  createEntry(@Payload() rpc: VerifiedRequest<typeof TimeTrackingRpc.createEntry>) {
    const { workspaceId, ...input } = rpc.data;
    return this.entries.create(rpc, workspaceId, input);
  }

  @RpcHandler(TimeTrackingRpc.listEntries)
  listEntries(@Payload() rpc: VerifiedRequest<typeof TimeTrackingRpc.listEntries>) {
    const { workspaceId, ...q } = rpc.data;
    return this.entries.list(rpc, workspaceId, q);
  }

  @RpcHandler(TimeTrackingRpc.updateEntry)
  updateEntry(@Payload() rpc: VerifiedRequest<typeof TimeTrackingRpc.updateEntry>) {
    const { workspaceId, entryId, ...changes } = rpc.data;
    return this.entries.update(rpc, workspaceId, entryId, changes);
  }

  @RpcHandler(TimeTrackingRpc.removeEntry)
  removeEntry(@Payload() rpc: VerifiedRequest<typeof TimeTrackingRpc.removeEntry>) {
    return this.entries.remove(rpc, rpc.data.workspaceId, rpc.data.entryId);
  }

  @RpcHandler(TimeTrackingRpc.summary)
  summary(@Payload() rpc: VerifiedRequest<typeof TimeTrackingRpc.summary>) {
    const { workspaceId, ...q } = rpc.data;
    return this.entries.summary(rpc, workspaceId, q);
  }

  @RpcHandler(TimeTrackingRpc.getTimer)
  getTimer(@Payload() rpc: VerifiedRequest<typeof TimeTrackingRpc.getTimer>) {
    return this.timer.get(rpc, rpc.data.workspaceId);
  }

  @RpcHandler(TimeTrackingRpc.startTimer)
  startTimer(@Payload() rpc: VerifiedRequest<typeof TimeTrackingRpc.startTimer>) {
    const { workspaceId, ...input } = rpc.data;
    return this.timer.start(rpc, workspaceId, input);
  }

  @RpcHandler(TimeTrackingRpc.stopTimer)
  stopTimer(@Payload() rpc: VerifiedRequest<typeof TimeTrackingRpc.stopTimer>) {
    return this.timer.stop(rpc, rpc.data.workspaceId);
  }

  @RpcHandler(TimeTrackingRpc.getContract)
  getContract(@Payload() rpc: VerifiedRequest<typeof TimeTrackingRpc.getContract>) {
    return this.contracts.get(rpc, rpc.data.workspaceId);
  }

  @RpcHandler(TimeTrackingRpc.proposeContract)
  proposeContract(@Payload() rpc: VerifiedRequest<typeof TimeTrackingRpc.proposeContract>) {
    const { workspaceId, ...input } = rpc.data;
    return this.contracts.propose(rpc, workspaceId, input);
  }

  @RpcHandler(TimeTrackingRpc.acceptContract)
  acceptContract(@Payload() rpc: VerifiedRequest<typeof TimeTrackingRpc.acceptContract>) {
    return this.contracts.accept(rpc, rpc.data.workspaceId, rpc.data.contractId);
  }

  @RpcHandler(TimeTrackingRpc.endContract)
  endContract(@Payload() rpc: VerifiedRequest<typeof TimeTrackingRpc.endContract>) {
    return this.contracts.end(rpc, rpc.data.workspaceId);
  }

  @RpcHandler(TimeTrackingRpc.setTimeZone)
  setTimeZone(@Payload() rpc: VerifiedRequest<typeof TimeTrackingRpc.setTimeZone>) {
    return this.contracts.setTimeZone(rpc, rpc.data.workspaceId, rpc.data.timeZone);
  }

  @RpcHandler(TimeTrackingRpc.listWeeks)
  listWeeks(@Payload() rpc: VerifiedRequest<typeof TimeTrackingRpc.listWeeks>) {
    return this.weeks.list(rpc, rpc.data.workspaceId);
  }

  @RpcHandler(TimeTrackingRpc.getWeek)
  getWeek(@Payload() rpc: VerifiedRequest<typeof TimeTrackingRpc.getWeek>) {
    return this.weeks.get(rpc, rpc.data.workspaceId, rpc.data.weekStart);
  }

  @RpcHandler(TimeTrackingRpc.acceptWeek)
  acceptWeek(@Payload() rpc: VerifiedRequest<typeof TimeTrackingRpc.acceptWeek>) {
    return this.weeks.accept(rpc, rpc.data.workspaceId, rpc.data.weekStart);
  }

  @RpcHandler(TimeTrackingRpc.disputeEntry)
  disputeEntry(@Payload() rpc: VerifiedRequest<typeof TimeTrackingRpc.disputeEntry>) {
    const { workspaceId, weekStart, entryId, reason } = rpc.data;
    return this.weeks.dispute(rpc, workspaceId, weekStart, entryId, reason);
  }

  @RpcHandler(TimeTrackingRpc.withdrawDispute)
  withdrawDispute(@Payload() rpc: VerifiedRequest<typeof TimeTrackingRpc.withdrawDispute>) {
    return this.weeks.withdrawDispute(rpc, rpc.data.workspaceId, rpc.data.weekStart, rpc.data.entryId);
  }

  @RpcHandler(TimeTrackingRpc.concedeDispute)
  concedeDispute(@Payload() rpc: VerifiedRequest<typeof TimeTrackingRpc.concedeDispute>) {
    return this.weeks.concedeDispute(rpc, rpc.data.workspaceId, rpc.data.weekStart, rpc.data.entryId);
  }
}
