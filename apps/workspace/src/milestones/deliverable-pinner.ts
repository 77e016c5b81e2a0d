import { Injectable } from '@nestjs/common';
import { AppError } from '@fpms/common/errors/app-error';
import { FilesRpc } from '@fpms/contracts';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { Actor } from '../access/actor';

export interface PinRequest {
  actor: Actor;
  accountId: string;
  workspaceId: string;
  milestoneId: string;
  fileVersionId: string;
}

export type PinResult = { ok: true } | { ok: false; reason: string };

/**
 * Pins the deliverable's file version at submission, so the version the client approves
 * (or the timer approves for them) can never be deleted or replaced.
 */
export abstract class DeliverablePinner {
  abstract pin(request: PinRequest): Promise<PinResult>;
}

/**
 * Pins through the files service, on the submitter's behalf (their forwarded token: the
 * files service checks `files.pin` for them). A version that is missing, in another
 * workspace or not uploaded yet is refused; an unavailable files service is not a refusal
 * — the error propagates (503/504) and the submission can be retried.
 */
@Injectable()
export class FilesDeliverablePinner extends DeliverablePinner {
  constructor(private readonly rpc: RpcClient) {
    super();
  }

  async pin(request: PinRequest): Promise<PinResult> {
    const { actor } = request;
    try {
      await this.rpc.call(
        FilesRpc.pinVersion,
        { workspaceId: request.workspaceId, versionId: request.fileVersionId, pinnedFor: `milestone:${request.milestoneId}` },
        { requestId: actor.requestId, userId: actor.userId, accountId: actor.accountId, workspaceId: request.workspaceId, token: actor.token },
      );
      return { ok: true };
    } catch (error) {
      if (error instanceof AppError && error.status >= 400 && error.status < 500) return { ok: false, reason: error.message };
      throw error;
    }
  }
}

/** DELIVERABLE_PINNING=off: stores the id without asking anyone (no files service running). */
@Injectable()
export class UncheckedDeliverablePinner extends DeliverablePinner {
  async pin(): Promise<PinResult> {
    return { ok: true };
  }
}
