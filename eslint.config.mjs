// ESLint flat config: typescript-eslint's recommended rules plus the layer boundaries that
// ARCHITECTURE.md draws, and import-x/no-cycle for runtime import cycles. import-x skips type-only
// imports, so test/architecture/imports.test.ts (also run by npm test) fails on type-only cycles too.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import globals from 'globals';

/** Each zone: files in `target` may not import from `from`. */
const boundaries = [
  {
    target: './lib/core',
    from: ['./lib/cdk', './lib/pulumi', './lib/runtime', './lib/cli', './lib/twin', './lib/client', './lib/bundle'],
    message: 'lib/core is the model: it imports no renderer, runtime, CLI or twin (ARCHITECTURE.md).',
  },
  { target: './lib/cdk', from: ['./lib/pulumi'], message: 'Renderers never import each other: move shared logic into lib/core.' },
  { target: './lib/pulumi', from: ['./lib/cdk'], message: 'Renderers never import each other: move shared logic into lib/core.' },
  {
    target: './lib/runtime',
    from: ['./lib/cdk', './lib/pulumi', './lib/cli', './lib/twin'],
    message: 'The runtime runs on servers: it imports no provider, CLI or twin.',
  },
  {
    target: './lib/client',
    from: ['./lib/cdk', './lib/pulumi', './lib/cli', './lib/twin', './lib/runtime'],
    message: 'The client runs in browsers and apps: it imports no provider, runtime, CLI or twin.',
  },
  {
    target: './lib',
    from: ['./examples', './test', './bench'],
    message: 'The library never imports examples/, test/ or bench/ (they are not in the package).',
  },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'cdk.out/**', 'coverage/**', '.bench-tmp/**', 'bench/results/**', '**/*.js', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
    plugins: { 'import-x': importX },
    settings: {
      // Resolve extension-less relative imports of .ts files, so the boundary and cycle rules see every edge.
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json', '.d.ts'] })],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts', '.js'],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones: boundaries.map((z) => ({ target: z.target, from: z.from, message: z.message })) }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: {
      // Tests walk synthesized CloudFormation and Pulumi inputs, which are untyped JSON; lib/ keeps the rule.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
