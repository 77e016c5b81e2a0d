import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a test received from the gateway. */
export interface ReceivedResponse {
  method: string;
  url: string;
  status: number;
  contentType: string | undefined;
  /** Parsed JSON (supertest's `body`) when the answer was JSON. */
  body: unknown;
  text: string | undefined;
}

interface Operation {
  responses: Record<string, { $ref?: string; description?: string; content?: Record<string, { schema?: unknown }> }>;
}

interface Route {
  template: string;
  pattern: RegExp;
  params: number;
  operations: Record<string, Operation>;
}

const DOCUMENT_ID = 'fpms-gateway';

/**
 * Checks a gateway response against docs/openapi.json: the operation is found by method and
 * path, its status must be documented, and a JSON body must match that status's schema (the
 * error body's `code` among the codes documented for it). A path the document does not know
 * may only answer the router's own 404 / 405.
 */
export class ResponseContract {
  private readonly ajv: Ajv2020;
  private readonly routes: Route[];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(
    private readonly document: { paths: Record<string, Record<string, Operation>>; components: { responses?: Record<string, unknown> } },
  ) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addSchema(document as object, DOCUMENT_ID);
    this.routes = Object.entries(document.paths)
      .map(([template, operations]) => ({
        template,
        operations,
        params: (template.match(/\{/g) ?? []).length,
        pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}$`),
      }))
      // A literal segment wins over a parameter (`/time-entries/summary` before `/time-entries/{entryId}`).
      .sort((a, b) => a.params - b.params || b.template.length - a.template.length);
  }

  static fromFile(root: string, file: string): ResponseContract {
    return new ResponseContract(JSON.parse(readFileSync(join(root, file), 'utf8')));
  }

  /** The document describing this URL's responses: the gateway's /api/v1 routes, billing's Stripe webhooks; undefined for others. */
  static documentFor(url: string): 'docs/openapi.json' | 'docs/openapi.webhooks.json' | undefined {
    const path = new URL(url).pathname;
    if (path.startsWith('/api/v1/')) return 'docs/openapi.json';
    if (path === '/webhooks/stripe' || path.startsWith('/webhooks/stripe/')) return 'docs/openapi.webhooks.json';
    return undefined;
  }

  /** Undefined when the response is what the document says; otherwise why not. */
  check(received: ReceivedResponse): string | undefined {
    const method = received.method.toLowerCase();
    const path = new URL(received.url).pathname;
    const where = `${received.method.toUpperCase()} ${path} → ${received.status}`;
    const route = this.routes.find((r) => r.pattern.test(path) && r.operations[method]);
    if (!route) {
      const routerAnswer = (received.status === 404 || received.status === 405) && this.isRouterError(received.body);
      return routerAnswer ? undefined : `${where}: no operation in docs/openapi.json for this method and path`;
    }
    const responses = route.operations[method].responses;
    const documented = responses[String(received.status)];
    if (!documented) {
      return `${where}: status ${received.status} is not documented for ${method.toUpperCase()} ${route.template} (documented: ${Object.keys(responses).join(', ')}); body ${preview(received)}`;
    }
    const pointerBase = documented.$ref
      ? documented.$ref.replace(/^#/, '')
      : `/paths/${escapePointer(route.template)}/${method}/responses/${received.status}`;
    const response = documented.$ref ? this.resolve(documented.$ref) : documented;
    const content = response.content ?? {};
    const mediaTypes = Object.keys(content);
    if (mediaTypes.length === 0) {
      if (received.text && received.text.length > 0) return `${where}: documented without a body, answered ${preview(received)}`;
      return undefined;
    }
    const type = (received.contentType ?? '').split(';')[0].trim().toLowerCase();
    if (!mediaTypes.includes(type)) return `${where}: answered ${type || 'no content type'}, documented ${mediaTypes.join(', ')}`;
    if (type !== 'application/json') return undefined;
    const validate = this.validatorFor(`${DOCUMENT_ID}#${pointerBase}/content/${escapePointer('application/json')}/schema`);
    if (validate(received.body)) return undefined;
    const errors = (validate.errors ?? [])
      .slice(0, 5)
      .map((e) => `${e.instancePath || '(body)'} ${e.message} ${e.params ? JSON.stringify(e.params) : ''}`);
    return `${where}: the body does not match ${route.template}'s ${received.status} schema: ${errors.join('; ')}; body ${preview(received)}`;
  }

  private isRouterError(body: unknown): boolean {
    const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
    return code === 'route_not_found' || code === 'method_not_allowed' || code === 'not_found';
  }

  private resolve(ref: string): { content?: Record<string, { schema?: unknown }> } {
    let node: unknown = this.document;
    for (const part of ref.replace(/^#\//, '').split('/'))
      node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    return node as { content?: Record<string, { schema?: unknown }> };
  }

  private validatorFor(ref: string): ValidateFunction {
    let validate = this.validators.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.validators.set(ref, validate);
    }
    return validate;
  }
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function preview(received: ReceivedResponse): string {
  const text =
    received.body !== undefined && received.body !== null && typeof received.body === 'object'
      ? JSON.stringify(received.body)
      : (received.text ?? '');
  return text.length > 600 ? `${text.slice(0, 600)}…` : text;
}
