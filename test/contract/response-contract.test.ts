import { ResponseContract, type ReceivedResponse } from './response-contract';

/** The checker the response-contract hook runs, on a small document. */
const document = {
  openapi: '3.1.0',
  paths: {
    '/api/v1/things/{thingId}': {
      get: {
        responses: {
          '200': {
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['id', 'count'],
                  properties: { id: { type: 'string', format: 'uuid' }, count: { type: 'integer' } },
                },
              },
            },
          },
          '404': { $ref: '#/components/responses/NotFound' },
        },
      },
      delete: { responses: { '204': { description: 'No content' } } },
    },
    '/api/v1/things/summary': {
      get: { responses: { '200': { content: { 'text/csv': { schema: { type: 'string' } } } } } },
    },
  },
  components: {
    responses: {
      NotFound: {
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['error'],
              properties: { error: { type: 'object', required: ['code'], properties: { code: { enum: ['thing_not_found'] } } } },
            },
          },
        },
      },
    },
  },
};

const contract = new ResponseContract(document);
const id = '0b7c8a4e-1f0e-4a57-9d57-3c1e0f1f5f6a';
const json = (method: string, path: string, status: number, body: unknown): ReceivedResponse => ({
  method,
  url: `http://127.0.0.1:1${path}`,
  status,
  contentType: 'application/json; charset=utf-8',
  body,
  text: JSON.stringify(body),
});

describe('ResponseContract', () => {
  it('accepts what the document describes', () => {
    expect(contract.check(json('GET', `/api/v1/things/${id}`, 200, { id, count: 2, extra: true }))).toBeUndefined();
    expect(contract.check(json('GET', `/api/v1/things/${id}`, 404, { error: { code: 'thing_not_found' } }))).toBeUndefined();
    expect(contract.check({ ...json('DELETE', `/api/v1/things/${id}`, 204, undefined), text: '' })).toBeUndefined();
  });

  it('refuses a body that does not match, naming the field', () => {
    expect(contract.check(json('GET', `/api/v1/things/${id}`, 200, { id: 'not-a-uuid', count: 2 }))).toMatch(
      /\/id must match format "uuid"/,
    );
    expect(contract.check(json('GET', `/api/v1/things/${id}`, 200, { id }))).toMatch(/must have required property 'count'/);
  });

  it('refuses an error code the status does not list, and an undocumented status', () => {
    expect(contract.check(json('GET', `/api/v1/things/${id}`, 404, { error: { code: 'other_code' } }))).toMatch(/allowed values/);
    expect(contract.check(json('GET', `/api/v1/things/${id}`, 409, { error: { code: 'conflict' } }))).toMatch(
      /status 409 is not documented/,
    );
  });

  it('prefers a literal path to a parameter and checks the media type', () => {
    const csv = {
      method: 'GET',
      url: 'http://127.0.0.1:1/api/v1/things/summary?x=1',
      status: 200,
      contentType: 'text/csv',
      body: undefined,
      text: 'a,b',
    };
    expect(contract.check(csv)).toBeUndefined();
    expect(contract.check({ ...csv, contentType: 'application/json', body: {} })).toMatch(
      /answered application\/json, documented text\/csv/,
    );
  });

  it('lets unknown paths answer only the router 404', () => {
    expect(contract.check(json('GET', '/api/v1/nowhere', 404, { error: { code: 'route_not_found' } }))).toBeUndefined();
    expect(contract.check(json('GET', '/api/v1/nowhere', 200, {}))).toMatch(/no operation/);
    expect(contract.check(json('POST', `/api/v1/things/${id}`, 201, {}))).toMatch(/no operation/);
  });

  it('covers the gateway API and the Stripe webhooks, nothing else', () => {
    expect(ResponseContract.documentFor('http://127.0.0.1:9/api/v1/me')).toBe('docs/openapi.json');
    expect(ResponseContract.documentFor('http://127.0.0.1:9/webhooks/stripe/connect')).toBe('docs/openapi.webhooks.json');
    expect(ResponseContract.documentFor('http://127.0.0.1:9/bucket/key?X-Amz-Signature=1')).toBeUndefined();
    expect(ResponseContract.documentFor('http://127.0.0.1:9/health/ready')).toBeUndefined();
  });
});
