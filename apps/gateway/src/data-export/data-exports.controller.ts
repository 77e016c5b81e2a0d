import { Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentPrincipal, Principal, RequestId } from '../auth/principal';
import { IdParam } from '../common/id-param';
import { DataExportJob } from './data-export.job';
import { DataExportService } from './data-export.service';
import { ApiErrors } from '@fpms/common/openapi/api-docs';
import { DataExportErrorCode, ErasureErrorCode } from '@fpms/contracts/errors';

const ExportIdParam = () => IdParam('exportId', DataExportErrorCode.ExportNotFound, 'Export');

/** The signed-in user's personal-data exports (issue 18 part 4): their own, nobody else's. */
@Controller('me')
@UseGuards(AccessTokenGuard)
@ApiErrors(DataExportErrorCode, ErasureErrorCode)
export class DataExportsController {
  constructor(
    private readonly exports: DataExportService,
    private readonly job: DataExportJob,
  ) {}

  /** 202: the export is queued (or the one already pending is answered); an email says when it is ready. */
  @Post('export')
  @HttpCode(202)
  async request(@CurrentPrincipal() p: Principal, @RequestId() requestId: string) {
    const view = await this.exports.request(p, requestId);
    // Start at once on this replica rather than at the next poll; the lease keeps it single.
    void this.job.runOnce().catch(() => undefined);
    return view;
  }

  @Get('exports')
  list(@CurrentPrincipal() p: Principal) {
    return this.exports.list(p);
  }

  @Get('exports/:exportId')
  get(@CurrentPrincipal() p: Principal, @ExportIdParam() exportId: string) {
    return this.exports.get(p, exportId);
  }

  /** `{ url, expiresAt }`: a short-lived URL of the ZIP. 409 while pending or failed, 410 once expired. */
  @Get('exports/:exportId/download')
  download(@CurrentPrincipal() p: Principal, @ExportIdParam() exportId: string, @RequestId() requestId: string) {
    return this.exports.download(p, exportId, requestId);
  }
}
