// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

const ROOMS = [
  'accounts',
  'activities',
  'api',
  'approvals',
  'audit',
  'domain',
  'infra',
  'machines',
  'models',
  'security',
  'simulators',
  'workflows',
];
const ENTRY_POINTS = ['worker', 'local-stack', 'config'];
/** What "workflow messages" lets a room import from workflows/: the message definitions and their types, nothing else. */
const WORKFLOW_MESSAGES = ['!**/workflows/messages', '!**/workflows/application-role-messages'];

/** One lint block per room, refusing imports of the rooms (and entry points) it may not use. */
function fences(rooms) {
  return Object.entries(rooms).map(([room, { may, also = [], typeImports = false }]) => {
    const refused = ROOMS.filter((other) => other !== room && !may.includes(other)).map((other) =>
      other === 'workflows' && may.includes('workflow messages') ? ['**/workflows/**', ...WORKFLOW_MESSAGES] : [`**/${other}/**`],
    );
    const entryPoints = ENTRY_POINTS.filter((name) => !may.includes(name)).map((name) => [`../${name}`, `../../${name}`]);
    const patterns = [...refused, ...entryPoints].map((group) => ({
      group,
      message: `${room}/ may import only ${may.length ? may.join(', ') : 'packages'} (see the room map in README.md)`,
    }));
    if (also.length) patterns.push({ group: also, message: `${room}/ is pure: no ${also.join(', ')}` });
    return {
      files: [`${room}/**/*.ts`],
      rules: {
        'no-restricted-imports': ['error', { patterns }],
        ...(typeImports && { '@typescript-eslint/consistent-type-imports': 'error' }),
      },
    };
  });
}

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', 'coverage/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // Type-aware rules over the service's own source (tests and the bench are left to tsc: typed
    // linting costs about a minute over the whole tree on two cores).
    files: ['**/*.ts'],
    ignores: ['test/**', 'bench/**'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
    },
  },
  // The fences between rooms: data flows one way, from the entry points at the top (worker.ts,
  // api/main.ts, local-stack.ts) down to the vocabulary in domain/. Each room lists the rooms it
  // may import; every other room, and the top-level entry points, are refused.
  ...fences({
    domain: { may: [] },
    machines: { may: ['domain'], also: ['mongoose', '@temporalio/*', 'node:*'] },
    security: { may: ['domain'] },
    models: { may: ['domain', 'infra'] },
    infra: { may: ['security', 'config'] },
    simulators: { may: ['domain', 'infra'] },
    audit: { may: ['infra', 'models'] },
    approvals: { may: ['audit', 'domain', 'models'] },
    accounts: { may: ['audit', 'domain', 'infra', 'models', 'security'] },
    activities: { may: ['accounts', 'approvals', 'audit', 'domain', 'infra', 'models', 'security', 'workflow messages'] },
    // Workflows run in Temporal's deterministic sandbox: activities by type only, no I/O.
    workflows: { may: ['activities', 'domain', 'machines', 'security'], also: ['mongoose', 'node:*'], typeImports: true },
    api: { may: ['accounts', 'activities', 'approvals', 'audit', 'config', 'domain', 'infra', 'models', 'security', 'workflow messages'] },
  }),
);
