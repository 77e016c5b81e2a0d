import SwaggerParser from '@apidevtools/swagger-parser';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GENERATED_FILES } from '../../tools/openapi/generate-files';

const root = join(__dirname, '..', '..');

/**
 * The committed API documents and client types are what the code generates (`npm run
 * openapi`), and each document is valid OpenAPI 3.1. The generator runs compiled, as `npm run
 * openapi` runs it (npm test builds first): openapi-typescript is ES-module code Jest's
 * CommonJS runtime cannot load.
 */
describe('OpenAPI documents (npm run openapi)', () => {
  const out = mkdtempSync(join(tmpdir(), 'fpms-openapi-'));
  const generated = (file: string) => readFileSync(join(out, file), 'utf8');

  beforeAll(() => {
    execFileSync(process.execPath, [join(root, 'dist', 'tools', 'openapi', 'cli.js'), '--out', out], { cwd: root, stdio: 'pipe' });
  }, 120_000);

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it.each(Object.values(GENERATED_FILES))(
    '%s is what the code generates (run `npm run openapi` after changing routes, DTOs or types)',
    (file) => {
      expect(readFileSync(join(root, file), 'utf8')).toBe(generated(file));
    },
  );

  it.each([GENERATED_FILES.gateway, GENERATED_FILES.webhooks])('%s is a valid OpenAPI 3.1 document', async (file) => {
    const document = JSON.parse(generated(file)) as { openapi: string };
    expect(document.openapi).toBe('3.1.0');
    await expect(SwaggerParser.validate(document as never)).resolves.toBeDefined();
  });

  it('documents auth, the roles of workspace routes and the error codes per status', () => {
    const document = JSON.parse(generated(GENERATED_FILES.gateway)) as {
      paths: Record<string, Record<string, { responses: Record<string, { $ref?: string }>; security: unknown[]; 'x-roles'?: string[] }>>;
      components: {
        responses: Record<
          string,
          { content: { 'application/json': { schema: { properties: { error: { properties: { code: { enum: string[] } } } } } } } }
        >;
      };
    };
    const task = document.paths['/api/v1/workspaces/{workspaceId}/tasks/{taskId}'];
    expect(task.patch['x-roles']).toEqual(['owner', 'collaborator', 'client_admin']);
    expect(task.get['x-roles']).toEqual(['owner', 'collaborator', 'client_admin', 'client_viewer']);
    expect(task.patch.security).toEqual([{ bearer: [] }]);
    const codes = (status: string) =>
      document.components.responses[task.patch.responses[status].$ref!.split('/').pop()!].content['application/json'].schema.properties
        .error.properties.code.enum;
    expect(codes('409')).toEqual(expect.arrayContaining(['task_version_conflict']));
    expect(codes('404')).toEqual(expect.arrayContaining(['task_not_found', 'workspace_not_found']));
    expect(codes('404')).not.toContain('task_version_conflict');
    expect(document.paths['/api/v1/auth/login'].post.security).toEqual([]);
  });
});
