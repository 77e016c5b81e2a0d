import { Payload } from '@nestjs/microservices';
import { FilesRpc } from '@fpms/contracts';
import { RpcController, RpcHandler, VerifiedRequest } from '@fpms/messaging';
import { UploadsService } from '../uploads/uploads.service';
import { FilesService } from './files.service';

type Input<K extends keyof typeof FilesRpc> = VerifiedRequest<(typeof FilesRpc)[K]>;

@RpcController()
export class FilesController {
  constructor(
    private readonly files: FilesService,
    private readonly uploads: UploadsService,
  ) {}

  @RpcHandler(FilesRpc.createUpload)
  createUpload(@Payload() rpc: Input<'createUpload'>) {
    const { workspaceId, ...input } = rpc.data;
    return this.uploads.createUpload(rpc, workspaceId, input);
  }

  @RpcHandler(FilesRpc.createVersion)
  createVersion(@Payload() rpc: Input<'createVersion'>) {
    const { workspaceId, fileId, ...input } = rpc.data;
    return this.uploads.createVersion(rpc, workspaceId, fileId, input);
  }

  @RpcHandler(FilesRpc.completeUpload)
  complete(@Payload() rpc: Input<'completeUpload'>) {
    return this.uploads.complete(rpc, rpc.data);
  }

  @RpcHandler(FilesRpc.listFiles)
  list(@Payload() rpc: Input<'listFiles'>) {
    return this.files.list(rpc, rpc.data);
  }

  @RpcHandler(FilesRpc.getFile)
  get(@Payload() rpc: Input<'getFile'>) {
    return this.files.get(rpc, rpc.data);
  }

  @RpcHandler(FilesRpc.downloadUrl)
  download(@Payload() rpc: Input<'downloadUrl'>) {
    return this.files.download(rpc, rpc.data);
  }

  @RpcHandler(FilesRpc.deleteFile)
  delete(@Payload() rpc: Input<'deleteFile'>) {
    return this.files.delete(rpc, rpc.data);
  }

  @RpcHandler(FilesRpc.restoreFile)
  restore(@Payload() rpc: Input<'restoreFile'>) {
    return this.files.restore(rpc, rpc.data);
  }

  @RpcHandler(FilesRpc.deleteVersion)
  deleteVersion(@Payload() rpc: Input<'deleteVersion'>) {
    return this.files.deleteVersion(rpc, rpc.data);
  }

  @RpcHandler(FilesRpc.pinVersion)
  pin(@Payload() rpc: Input<'pinVersion'>) {
    return this.files.pin(rpc, rpc.data);
  }

  @RpcHandler(FilesRpc.releaseSubmissionPin)
  releaseSubmissionPin(@Payload() rpc: Input<'releaseSubmissionPin'>) {
    return this.files.releaseSubmissionPin(rpc, rpc.data);
  }

  @RpcHandler(FilesRpc.unpinVersion)
  unpin(@Payload() rpc: Input<'unpinVersion'>) {
    return this.files.unpin(rpc, rpc.data);
  }
}
