import { Injectable } from '@nestjs/common';
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
 * SEAM: pins the deliverable's file version in the files service at submission, so the
 * version the client approves can never be deleted or replaced. The files service will
 * expose `FilesRpc.pinVersion`; until then the default implementation accepts any
 * well-formed id (the contract validated the format) and the milestone stores it.
 *
 * To wire the real one: implement this class over an RPC client to `files.rpc` (call
 * `pinVersion` with `{ workspaceId, fileVersionId, reference: milestone:<id> }` and map a
 * 404/409 to `{ ok: false }`), then bind it in WorkspaceAppModule, behind
 * DELIVERABLE_PINNING=files.
 */
@Injectable()
export class DeliverablePinner {
  async pin(_request: PinRequest): Promise<PinResult> {
    return { ok: true };
  }
}
