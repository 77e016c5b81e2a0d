import { Controller, HttpCode, Post, RawBodyRequest, Req } from '@nestjs/common';
import type { Request } from 'express';
import { IntakeAnswer, WebhookIntake } from './webhook-intake.service';

/**
 * Stripe's two endpoints on billing's own HTTP port (not through the gateway). The
 * signature is over the exact bytes, so the raw body is read (the app keeps it), never
 * the parsed one.
 */
@Controller('webhooks/stripe')
export class WebhookIntakeController {
  constructor(private readonly intake: WebhookIntake) {}

  /** Events of the platform account. */
  @Post()
  @HttpCode(200)
  platform(@Req() request: RawBodyRequest<Request>): Promise<IntakeAnswer> {
    return this.intake.receive('platform', request.rawBody, request.headers['stripe-signature']);
  }

  /** Events of connected accounts (they carry `account`). */
  @Post('connect')
  @HttpCode(200)
  connect(@Req() request: RawBodyRequest<Request>): Promise<IntakeAnswer> {
    return this.intake.receive('connect', request.rawBody, request.headers['stripe-signature']);
  }
}
