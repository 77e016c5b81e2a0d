import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '@fpms/common/errors/app-error';
import { FilesRpc } from '@fpms/contracts';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { Actor } from '../access/actor';

export interface PinRequest {
  actor: Actor;
  accountId: string;
  workspaceId: string;
  milestoneId: string;
  /** The milestone's version when the submission started (read under its row lock). */
  milestoneVersion: number;
  fileVersionId: string;
}

export type PinResult = { ok: true } | { ok: false; reason: string };

/**
 * Pins the deliverable's file version at submission, so the version the client approves
 * (or the timer approves for them) can never be deleted or replaced. No pin outlives its
 * reason: the pin taken inside the submission's transaction is provisional in the files
 * service, keyed by the milestone and the version it started from; the milestone's next
 * event (every one carries its current deliverable) settles it — a resubmission moves the
 * pin to the new version — and `release` undoes it when the transaction fails before
 * committing. A crash between the two leaves it for the files service to settle.
 */
export abstract class DeliverablePinner {
  abstract pin(request: PinRequest): Promise<PinResult>;
  /** Best effort: the submission that took this pin did not commit. */
  abstract release(request: PinRequest): Promise<void>;
}

/**
 * Pins through the files service, on the submitter's behalf (their forwarded token: the
 * files service checks `files.pin` for them). A version that is missing, in another
 * workspace or not uploaded yet is refused; an unavailable files service is not a refusal
 * — the error propagates (503/504) and the submission can be retried.
 */
@Injectable()
export class FilesDeliverablePinner extends DeliverablePinner {
  private readonly logger = new Logger(FilesDeliverablePinner.name);

  constructor(private readonly rpc: RpcClient) {
    super();
  }

  async pin(request: PinRequest): Promise<PinResult> {
    const { actor } = request;
    try {
      await this.rpc.call(
        FilesRpc.pinVersion,
        {
          workspaceId: request.workspaceId,
          versionId: request.fileVersionId,
          pinnedFor: `milestone:${request.milestoneId}`,
          submission: { milestoneId: request.milestoneId, milestoneVersion: request.milestoneVersion },
        },
        {
          requestId: actor.requestId,
          userId: actor.userId,
          accountId: actor.accountId,
          workspaceId: request.workspaceId,
          token: actor.token,
        },
      );
      return { ok: true };
    } catch (error) {
      if (error instanceof AppError && error.status >= 400 && error.status < 500) return { ok: false, reason: error.message };
      throw error;
    }
  }

  async release(request: PinRequest): Promise<void> {
    const { actor } = request;
    await this.rpc
      .call(
        FilesRpc.releaseSubmissionPin,
        {
          workspaceId: request.workspaceId,
          versionId: request.fileVersionId,
          milestoneId: request.milestoneId,
          milestoneVersion: request.milestoneVersion,
        },
        {
          requestId: actor.requestId,
          userId: actor.userId,
          accountId: actor.accountId,
          workspaceId: request.workspaceId,
          token: actor.token,
        },
      )
      .catch((error: Error) =>
        this.logger.warn(`provisional pin of ${request.fileVersionId} for milestone ${request.milestoneId} not released: ${error.message}`),
      );
  }
}

/** DELIVERABLE_PINNING=off: stores the id without asking anyone (no files service running). */
@Injectable()
export class UncheckedDeliverablePinner extends DeliverablePinner {
  async pin(): Promise<PinResult> {
    return { ok: true };
  }
  async release(): Promise<void> {}
}
