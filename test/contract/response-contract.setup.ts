import { join } from 'node:path';
import request from 'supertest';
import { ResponseContract } from './response-contract';

/**
 * Every Jest file (jest.base.js setupFilesAfterEnv): each response a test receives from the
 * gateway through supertest or fetch (the typed client, libs/api-client) is checked against docs/openapi.json
 * (and each from billing's Stripe endpoints against docs/openapi.webhooks.json), and a test that received
 * one the document does not describe fails (after it ran, naming the response). So the
 * document cannot drift from what the code answers, on any path the suites exercise.
 */
const contracts = new Map<string, ResponseContract>();
const violations: string[] = [];

type Test = request.Test;
type Assert = (this: Test, resError: Error | null, res: unknown, fn: unknown) => unknown;
const prototype = request.Test.prototype as unknown as { assert: Assert; method: string; url: string };
const originalAssert = prototype.assert;

prototype.assert = function assertWithContract(this: Test, resError, res, fn) {
  const response = res as { status?: number; headers?: Record<string, string>; body?: unknown; text?: string } | undefined;
  const self = this as unknown as { method: string; url: string };
  if (response?.status !== undefined && ResponseContract.documentFor(self.url)) {
    checked({
      method: self.method,
      url: self.url,
      status: response.status,
      contentType: response.headers?.['content-type'],
      body: response.body,
      text: response.text,
    });
  }
  return originalAssert.call(this, resError, res, fn);
};

function checked(received: Parameters<ResponseContract['check']>[0]): void {
  const file = ResponseContract.documentFor(received.url)!;
  let contract = contracts.get(file);
  if (!contract) contracts.set(file, (contract = ResponseContract.fromFile(join(__dirname, '..', '..'), file)));
  const violation = contract.check(received);
  if (violation) violations.push(violation);
}

const originalFetch = globalThis.fetch;
globalThis.fetch = async function fetchWithContract(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const response = await originalFetch(input, init);
  const url = input instanceof Request ? input.url : String(input);
  if (!ResponseContract.documentFor(url)) return response;
  const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
  const text = await response.clone().text();
  const contentType = response.headers.get('content-type') ?? undefined;
  let body: unknown;
  if (contentType?.includes('json') && text) body = JSON.parse(text);
  checked({ method, url, status: response.status, contentType, body, text });
  return response;
};

function reportViolations(): void {
  if (violations.length === 0) return;
  const found = violations.splice(0);
  throw new Error(`responses that docs/openapi.json does not describe (fix the document or the code):\n  ${found.join('\n  ')}`);
}

afterEach(reportViolations);
afterAll(reportViolations);
