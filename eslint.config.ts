/**
 * Lint, including the rules that enforce the process split:
 *  - only the Electron layer (main/shell) and the preload may import `electron` at run time;
 *  - renderer code may not import Node built-ins (or electron) at all;
 *  - main's domain folders may not import main/bridge (they throw DomainError instead).
 */
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import vueParser from 'vue-eslint-parser';
import globals from 'globals';
import prettierConfig from 'eslint-config-prettier';

const nodeBuiltins = [...new Set(builtinModules.flatMap((m) => (m.startsWith('node:') ? [m] : [m, `node:${m}`])))];

const electronOnlyInShell = {
  name: 'electron',
  message:
    'Only main/shell (the Electron layer) and preload/ may import electron. Put plain-Node logic elsewhere in main/ and pass Electron objects in.',
  allowTypeImports: true,
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'reports/**', 'test/screenshots/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  // Node-side code: main, scripts, tests, simulator, configs.
  {
    files: ['main/**/*.ts', 'scripts/**/*.ts', 'test/**/*.ts', '*.config.ts', 'common/**/*.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [electronOnlyInShell] }],
    },
  },
  {
    files: ['main/shell/**/*.ts', 'preload/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': 'off' },
  },
  // Domain code refuses requests with DomainError; only the composition root, the shell and the
  // host know the bridge (its dispatcher maps DomainError to the transport's error shape).
  {
    files: ['main/{account,calls,threads,reachability,webhooks,graph,storage,desktop,core,i18n}/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [electronOnlyInShell],
          patterns: [
            {
              group: ['../bridge', '../bridge/*', '**/main/bridge', '**/main/bridge/*'],
              message:
                'Domain folders do not import main/bridge: throw DomainError (main/core/domain-error.ts) and let the transport map it.',
            },
          ],
        },
      ],
    },
  },
  // The contract is shared by every process: neither Node nor electron nor the DOM.
  {
    files: ['common/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            electronOnlyInShell,
            ...nodeBuiltins.map((name) => ({ name, message: 'common/ is shared with the renderer: no Node built-ins.' })),
          ],
        },
      ],
    },
  },
  // Renderer: browser only.
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.vue', 'test/renderer/**/*.ts'],
    languageOptions: {
      globals: { ...globals.browser },
      parser: vueParser,
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module' },
    },
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'The renderer talks to main only through renderer/src/bridge.' },
            ...nodeBuiltins.map((name) => ({ name, message: 'The renderer runs sandboxed in Chromium: no Node built-ins.' })),
          ],
        },
      ],
      'vue/multi-word-component-names': 'off',
    },
  },
  // Components talk to stores; only stores (and the app's root) know the bridge.
  {
    files: ['renderer/src/components/**/*.vue', 'renderer/src/components/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'The renderer talks to main only through renderer/src/bridge.' },
            ...nodeBuiltins.map((name) => ({ name, message: 'The renderer runs sandboxed in Chromium: no Node built-ins.' })),
          ],
          patterns: [
            {
              group: ['**/bridge/bridge', '**/bridge/bridge.ts'],
              allowTypeImports: true,
              message: 'Components talk to stores, not to the bridge: add the request to the store that owns it.',
            },
          ],
        },
      ],
    },
  },
  // Size: warnings that point at a file or function worth splitting along a real seam. The
  // translation catalogs are long lists by nature and stay exempt.
  {
    files: ['main/**/*.ts', 'common/**/*.ts', 'preload/**/*.ts', 'renderer/**/*.ts', 'renderer/**/*.vue'],
    ignores: ['renderer/src/i18n/*.ts', '!renderer/src/i18n/index.ts', 'main/i18n/messages/*.ts'],
    rules: { 'max-lines': ['warn', { max: 600, skipBlankLines: false, skipComments: false }] },
  },
  {
    files: ['main/**/*.ts'],
    rules: { 'max-lines-per-function': ['warn', { max: 150, skipBlankLines: false, skipComments: false }] },
  },
  // Layout is Prettier's (npm run format; checked by npm run lint): no ESLint rule may disagree with it.
  prettierConfig,
);
