import { Controller, Get, Headers, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { BillingEarningsRpc, EarningsReportQuery, EarningsReportView, earningsReportCsv } from '@fpms/contracts';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentPrincipal, Principal, RequestId, rpcContextFor } from '../auth/principal';
import { ApiErrors, ApiTextContent } from '@fpms/common/openapi/api-docs';
import { AccessErrorCode, EarningsErrorCode } from '@fpms/contracts/errors';

/** Whether the client asked for CSV: `?format=csv`, or an Accept header that prefers text/csv to JSON. */
export function wantsCsv(format: string | undefined, accept: string | undefined): boolean {
  if (format) return format === 'csv';
  if (!accept) return false;
  const quality = (type: string) => {
    let best = -1;
    for (const part of accept.split(',')) {
      const [media, ...params] = part.trim().toLowerCase().split(';');
      if (media !== type && !(media === 'text/*' && type === 'text/csv') && media !== '*/*') continue;
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const value = q ? Number(q.slice(2)) : 1;
      // An exact match outranks a wildcard of the same quality.
      best = Math.max(best, media === type ? value + 0.0001 : value);
    }
    return best;
  };
  return quality('text/csv') > quality('application/json');
}

/**
 * Thin: the caller's own account's earnings (the token's; billing refuses a caller who owns
 * none with 403 earnings_account_owner_required). JSON by default; CSV (the same figures)
 * for `?format=csv` or `Accept: text/csv`. Errors stay the JSON error model either way.
 */
@Controller('reports')
@UseGuards(AccessTokenGuard)
@ApiErrors(AccessErrorCode, EarningsErrorCode)
export class EarningsReportController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('earnings')
  @ApiTextContent('text/csv')
  async earnings(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @Query() query: EarningsReportQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<EarningsReportView | string> {
    const { format, ...request } = query;
    const report = await this.rpc.call(BillingEarningsRpc.report, request, rpcContextFor(p, requestId));
    res.vary('Accept');
    if (!wantsCsv(format, accept)) return report;
    res.type('text/csv; charset=utf-8');
    res.attachment(`earnings-${report.from}-to-${report.to}.csv`);
    return earningsReportCsv(report);
  }
}
