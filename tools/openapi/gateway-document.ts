import 'reflect-metadata';
import { RequestMethod } from '@nestjs/common';
import { GUARDS_METADATA, HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PERMISSION_MATRIX, WorkspaceAction } from '@fpms/auth/permissions';
import { CommonErrorCode, IdempotencyErrorCode, AccountSecurityErrorCode, AccessErrorCode } from '@fpms/contracts/errors';
import * as errorEnums from '@fpms/contracts/errors';
import { GATEWAY_CONTROLLERS } from '../../apps/gateway/src/app.module';
import { WebhookIntakeController } from '../../apps/billing/src/webhooks/webhook-intake.controller';
import { API_ERRORS, API_HEADERS, API_RAW_BODY, API_TEXT_CONTENT, type ApiHeaderDoc } from '@fpms/common/openapi/api-docs';
import { API_PREFIX } from '../../apps/gateway/src/gateway-app';
import { AccessTokenGuard } from '../../apps/gateway/src/auth/access-token.guard';
import { PlatformAdminGuard } from '../../apps/gateway/src/admin/platform-admin.guard';
import { MoneyActionGuard } from '../../apps/gateway/src/security/money-action.guard';
import { scanErrorStatuses } from './error-statuses';
import type { JsonSchema } from './json-schema';
import { readReadmeRoutes } from './readme-routes';
import { RequestSchemas } from './request-schemas';
import { TypeSchemas } from './type-schemas';

/** A class: a request DTO, a controller. */
type Constructor = abstract new (...args: any[]) => unknown;

export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, Record<string, Operation>> };
type Operation = Record<string, unknown> & { responses: Record<string, unknown> };
type ErrorEnum = Record<string, string>;

const HTTP_METHODS: Partial<Record<RequestMethod, string>> = {
  [RequestMethod.GET]: 'get',
  [RequestMethod.POST]: 'post',
  [RequestMethod.PUT]: 'put',
  [RequestMethod.PATCH]: 'patch',
  [RequestMethod.DELETE]: 'delete',
};

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad request',
  401: 'Not authenticated',
  402: 'Payment required (plan limits, lockout)',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload too large',
  422: 'Unprocessable',
  429: 'Too many requests (see Retry-After)',
  431: 'Request headers too large',
  500: 'Internal error',
  502: 'Bad gateway',
  503: 'Service unavailable (see Retry-After)',
  504: 'Gateway timeout',
};

/** Codes any route may answer, whatever it does: the request's shape, the platform's health. */
const ALWAYS: Array<[number, CommonErrorCode]> = [
  [400, CommonErrorCode.ValidationFailed],
  [400, CommonErrorCode.InvalidJson],
  [413, CommonErrorCode.PayloadTooLarge],
  [431, CommonErrorCode.HeadersTooLarge],
  [429, CommonErrorCode.RateLimited],
  [500, CommonErrorCode.Internal],
  [503, CommonErrorCode.ServiceUnavailable],
  [504, CommonErrorCode.GatewayTimeout],
];

/** Codes of routes served by a service over RPC behind a bearer token. */
const AUTHENTICATED: Array<[number, CommonErrorCode]> = [
  [401, CommonErrorCode.Unauthorized],
  [403, CommonErrorCode.Forbidden],
  [404, CommonErrorCode.NotFound],
  [409, CommonErrorCode.Conflict],
];

export interface GeneratedDocuments {
  gateway: OpenApiDocument;
}

/**
 * The gateway's OpenAPI 3.1 document, built from the code without starting anything: routes
 * from the controllers' Nest metadata, request schemas from the class-validator metadata the
 * ValidationPipe checks with, response schemas from the controllers' TypeScript return types,
 * error codes from libs/contracts/src/errors with the statuses their throw sites use, and the
 * prose (who may call a route, what it answers) from README's API table.
 */
export function buildGatewayDocument(root: string, version: string): OpenApiDocument {
  return buildDocument(root, {
    controllers: GATEWAY_CONTROLLERS,
    prefix: API_PREFIX,
    sourceDir: 'apps/gateway/src',
    info: {
      title: 'FPMS public API (gateway)',
      version,
      description:
        'The REST API of FPMS, served by the gateway. Generated from the code by `npm run openapi` (tools/openapi): ' +
        "request schemas from the class-validator metadata that validates requests, responses from the controllers' types, " +
        'error codes from libs/contracts/src/errors. Errors are always `{ error: { code, message, details, requestId } }`. ' +
        'Workspace routes answer 404 to non-members (as for a workspace that does not exist) and 403 to members whose role lacks the action; ' +
        '`x-permission` and `x-roles` name the permission-matrix action and the roles that hold it (libs/auth/src/permissions.ts).',
    },
  });
}

/**
 * Billing's Stripe webhook endpoints: Stripe posts to them on billing's own port, not through
 * the gateway, so they are a document of their own.
 */
export function buildWebhooksDocument(root: string, version: string): OpenApiDocument {
  return buildDocument(root, {
    controllers: [WebhookIntakeController],
    prefix: '',
    sourceDir: 'apps/billing/src/webhooks',
    info: {
      title: 'FPMS billing: Stripe webhook endpoints',
      version,
      description:
        "Stripe's deliveries to billing's own HTTP port (not through the gateway): the platform account's events and connected accounts' events. " +
        'The `Stripe-Signature` header is verified over the exact bytes; 200 once the event is stored (a redelivery answers `duplicate: true`), ' +
        '503 when it could not be stored, so Stripe retries.',
    },
  });
}

interface DocumentSource {
  controllers: readonly Constructor[];
  prefix: string;
  sourceDir: string;
  info: { title: string; version: string; description: string };
}

function buildDocument(root: string, source: DocumentSource): OpenApiDocument {
  const requests = new RequestSchemas();
  const controllerFiles = findControllerFiles(root, source.sourceDir);
  const types = new TypeSchemas(root, controllerFiles);
  const methods = new Map<string, { returnType: import('typescript').Type; text: string }>();
  for (const file of controllerFiles) for (const [key, value] of types.controllerMethods(file)) methods.set(key, value);
  const readme = readReadmeRoutes(root);
  const statuses = scanErrorStatuses(root);
  const paths: Record<string, Record<string, Operation>> = {};
  const missingFromReadme: string[] = [];
  const errorResponses = new ErrorResponses();

  for (const controller of source.controllers) {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    const classGuards: unknown[] = Reflect.getMetadata(GUARDS_METADATA, controller) ?? [];
    const classErrors: ErrorEnum[] = Reflect.getMetadata(API_ERRORS, controller) ?? [];
    const handlerErrors = Object.getOwnPropertyNames(controller.prototype).some((n) =>
      Reflect.hasMetadata(API_ERRORS, (controller.prototype as unknown as Record<string, object>)[n] ?? {}),
    );
    // Without it a route documents only the generic codes, and every feature code it answers breaks the contract check.
    if (classErrors.length === 0 && !handlerErrors) throw new Error(`openapi: ${controller.name} names no error enums (@ApiErrors)`);
    const tag = controller.name.replace(/Controller$/, '');
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = (controller.prototype as unknown as Record<string, unknown>)[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      const subPath = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      if (method === undefined || subPath === undefined) continue;
      const verb = HTTP_METHODS[method];
      if (!verb) throw new Error(`openapi: ${controller.name}.${name} uses an HTTP method the document does not know`);
      const nestPath =
        '/' +
        [source.prefix, base, subPath]
          .map((p) => p.replace(/^\/|\/$/g, ''))
          .filter(Boolean)
          .join('/');
      const openApiPath = nestPath.replace(/:(\w+)/g, '{$1}');
      const guards: unknown[] = [...classGuards, ...(Reflect.getMetadata(GUARDS_METADATA, handler) ?? [])];
      const authenticated = guards.includes(AccessTokenGuard);
      const info = methods.get(`${controller.name}.${name}`);
      if (!info) throw new Error(`openapi: no TypeScript declaration for ${controller.name}.${name}`);
      const prose = readme.get(`${verb.toUpperCase()} ${nestPath}`);
      if (!prose) missingFromReadme.push(`${verb.toUpperCase()} ${nestPath}`);

      const operation: Operation = {
        operationId: `${lowerFirst(tag)}_${name}`,
        tags: [tag],
        summary: summaryOf(prose?.what ?? name),
        description: prose ? `${prose.what}\n\n**Who may call it:** ${prose.auth}` : undefined,
        ...(authenticated ? { security: [{ bearer: [] }] } : { security: [] }),
        parameters: [] as unknown[],
        responses: {},
      };
      const access = accessOf(prose?.auth ?? '', guards, verb);
      Object.assign(operation, access);

      // Parameters and body: Nest's route-argument metadata and the method's parameter types.
      const args: Record<string, { index: number; data?: unknown }> = Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {};
      const paramTypes: Constructor[] = Reflect.getMetadata('design:paramtypes', controller.prototype, name) ?? [];
      const parameters = operation.parameters as Array<Record<string, unknown>>;
      for (const pathParam of nestPath.matchAll(/:(\w+)/g)) {
        parameters.push({ name: pathParam[1], in: 'path', required: true, schema: pathParamSchema(pathParam[1]) });
      }
      for (const [key, arg] of Object.entries(args)) {
        const kind = Number(key.split(':')[0]);
        const type = paramTypes[arg.index];
        if (kind === RouteParamtypes.BODY && type && !isPrimitiveType(type)) {
          operation.requestBody = { required: true, content: { 'application/json': { schema: requests.refFor(type) } } };
        }
        if (kind === RouteParamtypes.QUERY && type && !isPrimitiveType(type)) parameters.push(...requests.queryParameters(type));
      }
      const usesIdempotency = /@Idempotency\(\)/.test(info.text);
      if (usesIdempotency) {
        parameters.push({
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'Up to 255 printable ASCII characters; a retry with the same key and body answers the first result (README "Idempotent requests").',
          schema: { type: 'string', maxLength: 255 },
        });
      }
      if (guards.includes(PlatformAdminGuard)) {
        parameters.push({
          name: 'X-Admin-Override-Reason',
          in: 'header',
          required: false,
          description:
            'The stated reason of a cross-tenant read (required by the routes that read across tenants), written to the admin access audit.',
          schema: { type: 'string' },
        });
      }
      for (const header of (Reflect.getMetadata(API_HEADERS, handler) ?? []) as ApiHeaderDoc[]) {
        parameters.push({
          name: header.name,
          in: 'header',
          required: header.required,
          description: header.description,
          schema: { type: 'string' },
        });
      }
      const rawBody = Reflect.getMetadata(API_RAW_BODY, handler) as string | undefined;
      if (rawBody)
        operation.requestBody = { required: true, description: rawBody, content: { 'application/json': { schema: { type: 'object' } } } };
      if (parameters.length === 0) delete operation.parameters;

      // Success.
      const status = Number(Reflect.getMetadata(HTTP_CODE_METADATA, handler) ?? (method === RequestMethod.POST ? 201 : 200));
      const textMedia = Reflect.getMetadata(API_TEXT_CONTENT, handler) as string | undefined;
      const responses = operation.responses as Record<string, unknown>;
      if (status === 204 || types.isVoid(info.returnType)) {
        responses[String(status)] = { description: 'No content' };
      } else {
        const content: Record<string, unknown> = {};
        const jsonPart = textMedia ? types.withoutString(info.returnType) : info.returnType;
        if (jsonPart) content['application/json'] = { schema: types.schemaOf(jsonPart) };
        if (textMedia) content[textMedia] = { schema: { type: 'string' } };
        responses[String(status)] = { description: 'Success', content };
        // An approval chain holding the action back answers 202 with the same shape (docs/approvals.md).
        if (info.text.includes('acceptedWhenAwaitingApproval(')) {
          responses['202'] = { description: 'Accepted: an approval chain holds the action back (`approvalRequest` set)', content };
        }
      }

      // Errors: the common codes, the route's enums, each code under the statuses it is raised with.
      const enums: ErrorEnum[] = [...classErrors, ...(Reflect.getMetadata(API_ERRORS, handler) ?? [])];
      if (usesIdempotency) enums.push(IdempotencyErrorCode);
      if (guards.includes(MoneyActionGuard)) enums.push(AccountSecurityErrorCode);
      if (guards.includes(PlatformAdminGuard)) enums.push(AccessErrorCode);
      const byStatus = new Map<number, Set<string>>();
      const add = (s: number, code: string) => byStatus.set(s, (byStatus.get(s) ?? new Set()).add(code));
      for (const [s, code] of ALWAYS) add(s, code);
      if (authenticated) for (const [s, code] of AUTHENTICATED) add(s, code);
      if (nestPath.includes(':')) add(404, CommonErrorCode.NotFound);
      for (const errorEnum of enums) {
        const enumName = enumNameOf(errorEnum);
        for (const [member, code] of Object.entries(errorEnum)) {
          const raised = statuses.get(`${enumName}.${member}`);
          if (!raised)
            throw new Error(`openapi: no throw site with a status for ${enumName}.${member}; see tools/openapi/error-statuses.ts`);
          for (const s of raised) add(s, code);
        }
      }
      for (const [s, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
        responses[String(s)] = { $ref: `#/components/responses/${errorResponses.nameFor(tag, s, [...codes].sort())}` };
      }

      paths[openApiPath] = paths[openApiPath] ?? {};
      if (paths[openApiPath][verb]) throw new Error(`openapi: ${verb.toUpperCase()} ${openApiPath} is declared twice`);
      paths[openApiPath][verb] = JSON.parse(JSON.stringify(operation)) as Operation;
    }
  }
  if (missingFromReadme.length) throw new Error(`openapi: routes missing from README's API table:\n  ${missingFromReadme.join('\n  ')}`);

  const sortedPaths = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)));
  const components = { ...sortObject(requests.components), ...sortObject(types.components) };
  for (const name of Object.keys(requests.components)) {
    if (types.components[name]) throw new Error(`openapi: the schema name ${name} is both a request class and a response type`);
  }
  return {
    openapi: '3.1.0',
    info: source.info,
    servers: [{ url: '/' }],
    paths: sortedPaths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'The access token of /auth/login, /auth/signup or /auth/refresh (10 minutes).',
        },
      },
      responses: errorResponses.components,
      schemas: { ErrorBody: errorBody(), ...components },
    },
  };
}

/**
 * Error responses as components, one per distinct (status, codes): a controller's routes
 * mostly share them (`TasksError404`), so the document names each once.
 */
class ErrorResponses {
  readonly components: Record<string, unknown> = {};
  private readonly byContent = new Map<string, string>();

  nameFor(tag: string, status: number, codes: string[]): string {
    const key = `${status} ${codes.join(',')}`;
    const known = this.byContent.get(key);
    if (known) return known;
    const common = codes.every((code) => (Object.values(CommonErrorCode) as string[]).includes(code));
    let name = common ? `CommonError${status}` : `${tag}Error${status}`;
    for (let n = 2; this.components[name]; n++) name = `${tag}Error${status}_${n}`;
    this.byContent.set(key, name);
    this.components[name] = {
      description: `${STATUS_TEXT[status] ?? 'Error'}: ${codes.map((c) => `\`${c}\``).join(', ')}`,
      content: { 'application/json': { schema: errorBody(codes) } },
    };
    return name;
  }
}

function errorBody(codes?: string[]): JsonSchema {
  return {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message', 'details', 'requestId'],
        properties: {
          code: codes ? { type: 'string', enum: codes } : { type: 'string' },
          message: { type: 'string' },
          details: { description: 'Per code: field errors of validation_failed, limits of a plan error, …' },
          requestId: { type: 'string' },
        },
      },
    },
  };
}

/** The permission-matrix action named in README's "who may call it" cell, with its roles. */
function accessOf(auth: string, guards: unknown[], verb: string): Record<string, unknown> {
  const actions = Object.values(WorkspaceAction) as string[];
  let named = [...auth.matchAll(/`([a-z_]+\.[a-z_]+)`/g)].map((m) => m[1]).filter((a) => actions.includes(a));
  // A row for reads and writes (`GET, PUT` … `tasks.read` / `tasks.configure`): GET needs the read action, the others the rest.
  const reads = named.filter((a) => a.endsWith('.read'));
  if (named.length === 2 && reads.length === 1) named = verb === 'get' ? reads : named.filter((a) => !a.endsWith('.read'));
  const result: Record<string, unknown> = {};
  if (named.length === 1) {
    result['x-permission'] = named[0];
    result['x-roles'] = [...PERMISSION_MATRIX[named[0] as WorkspaceAction]];
  } else if (named.length > 1) {
    result['x-permission'] = named;
  }
  if (guards.includes(PlatformAdminGuard)) result['x-roles'] = ['platform_admin'];
  else if (/account owner/.test(auth) && !result['x-roles']) result['x-roles'] = ['account_owner'];
  return result;
}

function pathParamSchema(name: string): JsonSchema {
  return name === 'token' || name === 'action' ? { type: 'string' } : { type: 'string', format: 'uuid' };
}

function isPrimitiveType(type: Constructor): boolean {
  return type === String || type === Number || type === Boolean || type === Object;
}

function summaryOf(text: string): string {
  // README cells start with the request (`{ … }`, "no body") or the answer: the summary is the first clause that says what happens.
  const plain = text
    .replace(/`/g, '')
    .replace(/\*\*/g, '')
    .replace(/^no body\s*→\s*/i, '');
  const first = plain.split(/(?<=[.;:])\s/)[0].trim();
  return first.length > 120 ? `${first.slice(0, 117)}…` : first;
}

function lowerFirst(text: string): string {
  return text[0].toLowerCase() + text.slice(1);
}

function enumNameOf(errorEnum: ErrorEnum): string {
  const entry = Object.entries(errorEnums).find(([, value]) => value === errorEnum);
  if (!entry) throw new Error('openapi: ApiErrors takes the error enums of libs/contracts/src/errors');
  return entry[0];
}

function sortObject<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

function findControllerFiles(root: string, sourceDir: string): string[] {
  const dir = join(root, sourceDir);
  const files: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d)) {
      const p = join(d, entry);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.controller.ts')) files.push(relative(root, p));
    }
  };
  walk(dir);
  return files.sort();
}
