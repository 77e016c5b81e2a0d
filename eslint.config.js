// ESLint 9 flat config for the whole repository (`npm run lint`, run by `npm test`).
// Formatting is Prettier's job (`npm run format`): eslint-config-prettier comes last and
// turns off every stylistic rule, so lint passes on code that is not formatted yet.
// Linting is syntactic (typescript-eslint `recommended`, not `recommendedTypeChecked`):
// see docs/decisions.md, "Lint and format", for the measurements behind that.
const { defineConfig } = require('eslint/config');
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const prettier = require('eslint-config-prettier');
const globals = require('globals');

// Every folder under apps/ and libs/ must be listed (import-boundaries.test.ts checks).
const APPS = ['gateway', 'workspace', 'files', 'messaging', 'billing'];
const LIBS = ['common', 'contracts', 'database', 'messaging', 'platform', 'auth', 'testing', 'api-client'];

// Import boundaries (`@typescript-eslint/no-restricted-imports`, the typescript-eslint
// extension of ESLint's own `no-restricted-imports`, which also sees `import type`;
// `require()` is already an error in TypeScript files). The rule matches the import string, not the resolved file, so
// the patterns cover every way this layout can spell a crossing: a relative path that
// climbs (`../`) into a folder of that name, and the bare `apps/…` form that tsconfig's
// `baseUrl` would resolve. The `@fpms/*` aliases only point into libs/. A flat config
// block that matches later replaces a rule's options instead of merging them, so each
// folder gets its complete list (`boundaryRule`).
const climbsInto = (folders) => `^(\\./)?(\\.\\./)+(.*/)?(${folders.join('|')})(/|$)`;
const bare = (folders) => `^(${folders.join('|')})(/|$)`;

const LIB_OUTWARD = [
  {
    regex: climbsInto(['apps', 'tools', 'test']),
    message: 'libs/* must not import apps/, tools/ or test/: libraries sit below the services and tools that use them.',
  },
  {
    regex: bare(['apps', 'tools', 'test']),
    message: 'libs/* must not import apps/, tools/ or test/: libraries sit below the services and tools that use them.',
  },
];

const CONTRACTS_FRAMEWORK_FREE = [
  {
    regex: '^@nestjs/',
    message: 'libs/contracts is framework-free (zod, class-validator and plain TypeScript): no @nestjs/* imports.',
  },
  {
    regex: '^typeorm(/|$)',
    message: 'libs/contracts is framework-free (zod, class-validator and plain TypeScript): no typeorm imports.',
  },
];

// One definition per shape: request fields and their checks are class-validator classes in
// libs/contracts/src/requests, which the gateway validates HTTP input with and the services
// validate RPC payloads with. An app that imported class-validator would be writing a second one.
const SHAPES_IN_CONTRACTS = [
  {
    regex: '^class-(validator|transformer)(/|$)',
    message: 'Request shapes are defined once, in libs/contracts/src/requests; apps use those classes instead of declaring their own.',
  },
];

function otherApps(app) {
  const others = APPS.filter((name) => name !== app);
  const message = `apps/${app} must not import another app (${others.join(', ')}): share code through libs/ and talk over RPC or events.`;
  return [
    // apps/<app>/src/x.ts -> '../../billing/src/…' (sibling app folder; `src`/`migrations`
    // keep apps/gateway/src/files/… and the like, which are the app's own features, legal).
    { regex: `^(\\./)?(\\.\\./)+(${others.join('|')})/(src|migrations)(/|$)`, message },
    // '../../../apps/billing/…' and the baseUrl form 'apps/billing/…'.
    { regex: `^(\\./)?(\\.\\./)+(.*/)?apps/(${others.join('|')})(/|$)`, message },
    { regex: `^apps/(${others.join('|')})(/|$)`, message },
  ];
}

const boundaryRule = (patterns) => ({
  '@typescript-eslint/no-restricted-imports': ['error', { patterns }],
});

const boundaries = [
  ...LIBS.map((lib) => ({
    name: `fpms/boundaries/libs/${lib}`,
    files: [`libs/${lib}/**/*.ts`],
    rules: boundaryRule(lib === 'contracts' ? [...LIB_OUTWARD, ...CONTRACTS_FRAMEWORK_FREE] : LIB_OUTWARD),
  })),
  ...APPS.map((app) => ({
    name: `fpms/boundaries/apps/${app}`,
    files: [`apps/${app}/**/*.ts`],
    rules: boundaryRule([...otherApps(app), ...SHAPES_IN_CONTRACTS]),
  })),
];

module.exports = defineConfig(
  {
    name: 'fpms/ignores',
    ignores: ['dist/**', 'node_modules/**', '.local/**', 'coverage/**', 'bench/results/**'],
  },
  {
    name: 'fpms/linter-options',
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  {
    // The bootstrap scripts and the Jest/ESLint configs: plain CommonJS run by Node.
    name: 'fpms/javascript',
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', ecmaVersion: 2022, globals: { ...globals.node } },
  },
  {
    name: 'fpms/typescript',
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    rules: {
      // A leading underscore marks a parameter kept for its position (Express's
      // four-argument error handler, an interface's signature) or a property taken out of
      // an object with a rest spread (`{ updatedAt: _u, ...rest }`).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // `(...args: any[]) => T` is TypeScript's idiom for "any constructor / any factory"
      // (Nest's own types use it); every other `any` is reported.
      '@typescript-eslint/no-explicit-any': ['error', { ignoreRestArgs: true }],
    },
  },
  ...boundaries,
  {
    // TenantManager and SystemManager are granted only where the transaction was made safe
    // (setTenantContext, systemTransaction); a cast anywhere else would forge the brand.
    name: 'fpms/tenant-brands',
    files: ['**/*.ts'],
    ignores: ['libs/database/src/tenant-context.ts', 'libs/database/src/tenant-manager.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...['TSAsExpression', 'TSTypeAssertion'].map((node) => ({
          selector: `${node}[typeAnnotation.typeName.name=/^(TenantManager|SystemManager)$/]`,
          message: 'Get a TenantManager from setTenantContext/TenantTransactions and a SystemManager from systemTransaction; never cast.',
        })),
      ],
    },
  },
  prettier,
);
