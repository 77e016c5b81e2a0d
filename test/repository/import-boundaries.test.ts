import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ESLint, Linter } from 'eslint';

/**
 * The import boundaries of eslint.config.js, checked on deliberate violations: libs/*
 * never import apps/, tools/ or test/; libs/contracts imports nothing from Nest or
 * TypeORM; no app imports another app; request shapes (class-validator) live only in libs/contracts. Each case lints a snippet as if it were a file at
 * that path (the file need not exist) with the repository's own configuration.
 */
const root = path.resolve(__dirname, '..', '..');
const RULE = '@typescript-eslint/no-restricted-imports';

let eslint: ESLint;
beforeAll(() => {
  // ESLint loads eslint.config.js with a dynamic import(), which Jest's module sandbox
  // does not support; the same file is handed over as the override config instead.
  const config = createRequire(__filename)(path.join(root, 'eslint.config.js')) as Linter.Config[];
  eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: config });
});

async function lint(filePath: string, code: string): Promise<ESLint.LintResult> {
  const [result] = await eslint.lintText(`${code}\n`, { filePath: path.join(root, filePath) });
  return result;
}

/**
 * The messages of the boundary rule. The snippets import names they never use, so
 * no-unused-vars is expected; anything else (a parse error, another rule) fails the test.
 */
async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const result = await lint(filePath, code);
  const other = result.messages.filter((m) => m.ruleId !== RULE && m.ruleId !== '@typescript-eslint/no-unused-vars');
  expect(other).toEqual([]);
  return result.messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
}

const dirs = (folder: string) =>
  readdirSync(path.join(root, folder), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);

describe('import boundaries (eslint.config.js)', () => {
  describe('libs/* never import apps/, tools/ or test/', () => {
    it.each([
      ['libs/common/src/errors/x.ts', "import { createGatewayApp } from '../../../../apps/gateway/src/gateway-app';"],
      ['libs/common/src/x.ts', "import { gatewayEnvSchema } from '../../../apps/gateway/src/config';"],
      ['libs/common/x.ts', "import { gatewayEnvSchema } from '../../apps/gateway/src/config';"],
      ['libs/database/src/x.ts', "import { provisionTopology } from '../../../tools/infra/provision';"],
      ['libs/messaging/src/x.ts', "import { startPlatform } from '../../../test/harness/platform';"],
      ['libs/auth/src/x.ts', "import type { GatewayEnv } from '../../../apps/gateway/src/config';"],
      ['libs/common/src/x.ts', "export * from '../../../apps/workspace/src/workspace-app';"],
      // tsconfig's baseUrl would resolve these too.
      ['libs/common/src/x.ts', "import { createGatewayApp } from 'apps/gateway/src/gateway-app';"],
      ['libs/common/src/x.ts', "import { provisionTopology } from 'tools/infra/provision';"],
    ])('%s: %s is an error', async (file, code) => {
      const errors = await boundaryErrors(file, code);
      expect(errors).toEqual([expect.stringMatching(/ libs\/\* must not import apps\/, tools\/ or test\//)]);
    });

    it('holds for every lib in the repository, libs/testing included (the harness lives in test/harness)', async () => {
      const libs = dirs('libs');
      expect(libs).toEqual(expect.arrayContaining(['testing', 'platform']));
      for (const lib of libs) {
        const errors = await boundaryErrors(
          `libs/${lib}/src/x.ts`,
          "import { createBillingApp } from '../../../apps/billing/src/billing-app';",
        );
        expect({ lib, errors: errors.length }).toEqual({ lib, errors: 1 });
      }
    });
  });

  describe('libs/contracts imports nothing from Nest or TypeORM', () => {
    it.each([
      "import { Injectable } from '@nestjs/common';",
      "import { TypeOrmModule } from '@nestjs/typeorm';",
      "import { EntityManager } from 'typeorm';",
      "import type { EntityManager } from 'typeorm';",
      "import { Repository } from 'typeorm/repository/Repository';",
    ])('%s is an error', async (code) => {
      const errors = await boundaryErrors('libs/contracts/src/rpc/x.rpc.ts', code);
      expect(errors).toEqual([expect.stringMatching(/ libs\/contracts is framework-free/)]);
    });

    it('keeps the libs rule as well', async () => {
      const errors = await boundaryErrors(
        'libs/contracts/src/x.ts',
        "import { createGatewayApp } from '../../../apps/gateway/src/gateway-app';",
      );
      expect(errors).toEqual([expect.stringMatching(/ libs\/\* must not import/)]);
    });

    it('allows zod and other contracts', async () => {
      expect(
        await boundaryErrors('libs/contracts/src/rpc/x.rpc.ts', "import { z } from 'zod';\nimport { rpcPattern } from './rpc-pattern';"),
      ).toEqual([]);
    });

    it('other libs may use Nest and TypeORM', async () => {
      expect(
        await boundaryErrors(
          'libs/database/src/x.ts',
          "import { Injectable } from '@nestjs/common';\nimport { EntityManager } from 'typeorm';",
        ),
      ).toEqual([]);
    });
  });

  describe('no app imports another app', () => {
    it.each([
      ['apps/gateway/src/x.ts', "import { WorkspaceService } from '../../workspace/src/workspaces/workspaces.service';"],
      ['apps/gateway/src/milestones/x.ts', "import { MilestonesService } from '../../../workspace/src/milestones/milestones.service';"],
      ['apps/gateway/src/x.ts', "import { createBillingApp } from '../../../apps/billing/src/billing-app';"],
      ['apps/files/src/files/x.ts', "import { X } from '../../../messaging/migrations/1700000000000-Init';"],
      ['apps/billing/src/x.ts', "import { createGatewayApp } from 'apps/gateway/src/gateway-app';"],
    ])('%s: %s is an error', async (file, code) => {
      const errors = await boundaryErrors(file, code);
      expect(errors).toEqual([expect.stringMatching(/ apps\/\w+ must not import another app/)]);
    });

    it('holds for every app in the repository', async () => {
      const apps = dirs('apps');
      expect(apps.length).toBeGreaterThanOrEqual(5);
      for (const app of apps) {
        const other = apps.find((name) => name !== app);
        const errors = await boundaryErrors(`apps/${app}/src/x.ts`, `import { x } from '../../${other}/src/x';`);
        expect({ app, errors: errors.length }).toEqual({ app, errors: 1 });
      }
    });

    it("allows an app's own folders (even one named like another app), libs and packages", async () => {
      const code = [
        "import { FilesController } from '../files/files.controller';",
        "import { GatewayConfig } from '../../src/config';",
        "import { RpcClient } from '@fpms/messaging';",
        "import { Injectable } from '@nestjs/common';",
        "import { EntityManager } from 'typeorm';",
      ].join('\n');
      expect(await boundaryErrors('apps/gateway/src/workspaces/x.ts', code)).toEqual([]);
    });

    it('tools and tests may import apps', async () => {
      expect(await boundaryErrors('test/e2e/x.test.ts', "import { createGatewayApp } from '../../apps/gateway/src/gateway-app';")).toEqual(
        [],
      );
      expect(await boundaryErrors('tools/dev/x.ts', "import { createGatewayApp } from '../../apps/gateway/src/gateway-app';")).toEqual([]);
    });
  });

  describe('request shapes are defined once, in libs/contracts', () => {
    it.each([
      ['apps/gateway/src/milestones/dto/x.dto.ts', "import { IsInt, Max } from 'class-validator';"],
      ['apps/workspace/src/milestones/x.ts', "import { Transform } from 'class-transformer';"],
      ['apps/files/src/x.ts', "import type { ValidationOptions } from 'class-validator';"],
    ])('%s: %s is an error', async (file, code) => {
      const errors = await boundaryErrors(file, code);
      expect(errors).toEqual([expect.stringMatching(/Request shapes are defined once, in libs\/contracts\/src\/requests/)]);
    });

    it('libs/contracts defines them with class-validator and class-transformer', async () => {
      const code = "import { IsInt } from 'class-validator';\nimport { Transform } from 'class-transformer';";
      expect(await boundaryErrors('libs/contracts/src/requests/x.requests.ts', code)).toEqual([]);
    });
  });
});
