import SwaggerParser from '@apidevtools/swagger-parser';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateApiDocuments, GENERATED_FILES } from '../../tools/openapi/generate';

const root = join(__dirname, '..', '..');

/**
 * The committed API documents and client types are what the code generates (`npm run
 * openapi`), and each document is valid OpenAPI 3.1.
 */
describe('OpenAPI documents (npm run openapi)', () => {
  let generated: Record<string, string>;

  beforeAll(async () => {
    generated = await generateApiDocuments(root);
  }, 120_000);

  it.each(Object.values(GENERATED_FILES))(
    '%s is what the code generates (run `npm run openapi` after changing routes, DTOs or types)',
    (file) => {
      const committed = readFileSync(join(root, file), 'utf8');
      expect(committed).toBe(generated[file]);
    },
  );

  it.each([GENERATED_FILES.gateway, GENERATED_FILES.webhooks])('%s is a valid OpenAPI 3.1 document', async (file) => {
    const document = JSON.parse(generated[file]) as { openapi: string };
    expect(document.openapi).toBe('3.1.0');
    await expect(SwaggerParser.validate(document as never)).resolves.toBeDefined();
  });

  it('documents every gateway route with its errors, and the role of workspace routes', () => {
    const document = JSON.parse(generated[GENERATED_FILES.gateway]) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown>; security: unknown[]; 'x-roles'?: string[] }>>;
    };
    const task = document.paths['/api/v1/workspaces/{workspaceId}/tasks/{taskId}'];
    expect(task.patch['x-roles']).toEqual(['owner', 'collaborator', 'client_admin']);
    expect(task.patch.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(task.patch.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404', '409']));
    expect(document.paths['/api/v1/auth/login'].post.security).toEqual([]);
  });
});
