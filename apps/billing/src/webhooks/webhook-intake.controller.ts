import { Controller, HttpCode, Post, RawBodyRequest, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ApiErrors, ApiHeaders, ApiRawJsonBody } from '@fpms/common/openapi/api-docs';
import { WebhookErrorCode } from '@fpms/contracts/errors';
import { IntakeAnswer, WebhookIntake } from './webhook-intake.service';

const STRIPE_SIGNATURE = {
  name: 'Stripe-Signature',
  required: true,
  description: "Stripe's `t=<timestamp>,v1=<HMAC-SHA256>` over `<timestamp>.<raw body>` with the endpoint's signing secret",
};
const STRIPE_EVENT = 'A Stripe event object (`{ id, type, data: { object }, account?, … }`), verified over its exact bytes';

/**
 * Stripe's two endpoints on billing's own HTTP port (not through the gateway). The
 * signature is over the exact bytes, so the raw body is read (the app keeps it), never
 * the parsed one.
 */
@Controller('webhooks/stripe')
@ApiErrors(WebhookErrorCode)
export class WebhookIntakeController {
  constructor(private readonly intake: WebhookIntake) {}

  /** Events of the platform account. */
  @Post()
  @HttpCode(200)
  @ApiHeaders(STRIPE_SIGNATURE)
  @ApiRawJsonBody(STRIPE_EVENT)
  platform(@Req() request: RawBodyRequest<Request>): Promise<IntakeAnswer> {
    return this.intake.receive('platform', request.rawBody, request.headers['stripe-signature']);
  }

  /** Events of connected accounts (they carry `account`). */
  @Post('connect')
  @HttpCode(200)
  @ApiHeaders(STRIPE_SIGNATURE)
  @ApiRawJsonBody(STRIPE_EVENT)
  connect(@Req() request: RawBodyRequest<Request>): Promise<IntakeAnswer> {
    return this.intake.receive('connect', request.rawBody, request.headers['stripe-signature']);
  }
}
