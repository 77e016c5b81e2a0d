import { Body, Controller, Delete, Get, HttpCode, Post, Query, UseGuards } from '@nestjs/common';
import {
  CompleteUploadBody,
  CreateUploadBody,
  CreateVersionBody,
  DownloadQuery,
  FilesRpc,
  ListFilesQuery,
  PinVersionBody,
} from '@fpms/contracts';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentPrincipal, Principal, RequestId, rpcContextFor } from '../auth/principal';
import { IdParam, WorkspaceIdParam } from '../common/id-param';
import { Idempotency, IdempotencyRequest } from '../common/idempotency-key';
import { FilesErrorCode, AccessErrorCode, PlanErrorCode } from '@fpms/contracts/errors';
import { ApiErrors } from '@fpms/common/openapi/api-docs';

const FileIdParam = () => IdParam('fileId', FilesErrorCode.FileNotFound, 'File');
const VersionIdParam = () => IdParam('versionId', FilesErrorCode.VersionNotFound, 'File version');

/** Thin: authenticate, then forward to the files service, which authorizes with the workspace service. */
@Controller('workspaces/:workspaceId/files')
@UseGuards(AccessTokenGuard)
@ApiErrors(AccessErrorCode, PlanErrorCode, FilesErrorCode)
export class FilesController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  createUpload(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @Body() body: CreateUploadBody,
    @Idempotency() idem: IdempotencyRequest,
  ) {
    return this.rpc.call(FilesRpc.createUpload, { workspaceId, ...body }, rpcContextFor(p, requestId, workspaceId, idem));
  }

  @Get()
  list(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @Query() query: ListFilesQuery,
  ) {
    return this.rpc.call(FilesRpc.listFiles, { workspaceId, ...query }, rpcContextFor(p, requestId, workspaceId));
  }

  @Get(':fileId')
  get(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @FileIdParam() fileId: string,
  ) {
    return this.rpc.call(FilesRpc.getFile, { workspaceId, fileId }, rpcContextFor(p, requestId, workspaceId));
  }

  @Get(':fileId/download')
  download(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @FileIdParam() fileId: string,
    @Query() query: DownloadQuery,
  ) {
    return this.rpc.call(
      FilesRpc.downloadUrl,
      { workspaceId, fileId, versionId: query.versionId?.toLowerCase() },
      rpcContextFor(p, requestId, workspaceId),
    );
  }

  @Delete(':fileId')
  delete(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @FileIdParam() fileId: string,
  ) {
    return this.rpc.call(FilesRpc.deleteFile, { workspaceId, fileId }, rpcContextFor(p, requestId, workspaceId));
  }

  @Post(':fileId/restore')
  @HttpCode(200)
  restore(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @FileIdParam() fileId: string,
  ) {
    return this.rpc.call(FilesRpc.restoreFile, { workspaceId, fileId }, rpcContextFor(p, requestId, workspaceId));
  }

  @Post(':fileId/versions')
  createVersion(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @FileIdParam() fileId: string,
    @Body() body: CreateVersionBody,
    @Idempotency() idem: IdempotencyRequest,
  ) {
    return this.rpc.call(FilesRpc.createVersion, { workspaceId, fileId, ...body }, rpcContextFor(p, requestId, workspaceId, idem));
  }

  @Post(':fileId/versions/:versionId/complete')
  @HttpCode(200)
  complete(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @FileIdParam() fileId: string,
    @VersionIdParam() versionId: string,
    @Body() body: CompleteUploadBody,
  ) {
    return this.rpc.call(
      FilesRpc.completeUpload,
      { workspaceId, fileId, versionId, parts: body.parts },
      rpcContextFor(p, requestId, workspaceId),
    );
  }

  @Post(':fileId/versions/:versionId/pin')
  @HttpCode(200)
  pin(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @FileIdParam() fileId: string,
    @VersionIdParam() versionId: string,
    @Body() body: PinVersionBody,
  ) {
    return this.rpc.call(
      FilesRpc.pinVersion,
      { workspaceId, fileId, versionId, pinnedFor: body.pinnedFor },
      rpcContextFor(p, requestId, workspaceId),
    );
  }

  /** Releases a member's pin; 409 `file_version_needed` while a milestone needs the version. */
  @Delete(':fileId/versions/:versionId/pin')
  unpin(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @FileIdParam() fileId: string,
    @VersionIdParam() versionId: string,
  ) {
    return this.rpc.call(FilesRpc.unpinVersion, { workspaceId, fileId, versionId }, rpcContextFor(p, requestId, workspaceId));
  }

  @Delete(':fileId/versions/:versionId')
  @HttpCode(204)
  async deleteVersion(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @FileIdParam() fileId: string,
    @VersionIdParam() versionId: string,
  ) {
    await this.rpc.call(FilesRpc.deleteVersion, { workspaceId, fileId, versionId }, rpcContextFor(p, requestId, workspaceId));
  }
}
