// Environment boundaries in the manner of VS Code's common/node/browser/electron-main folders:
// - src/shared   runs everywhere: no Node built-ins, no electron, no imports from other layers.
// - src/renderer is browser code: no Node built-ins, no electron, only shared from other layers.
// - src/node     is the station core (Electron main and plain Node host alike): never electron.
// - src/preload  may use electron's contextBridge/ipcRenderer and shared contract code only.
// - src/main     is the thin Electron layer: the only place electron's main-process APIs live.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const noNodeBuiltins = nodeBuiltins.map((name) => ({ name, message: 'Node built-ins are not available here; keep this code runtime-neutral.' }));
const noElectron = [{ name: 'electron', message: 'Only src/main and src/preload may import electron.' }];
const layer = (...layers) => layers.map((l) => ({ group: [`**/${l}/**`, `../${l}/*`, `../../${l}/*`], message: `This layer must not import from src/${l}.` }));

export default tseslint.config(
  { ignores: ['out/', 'dist/', 'node_modules/', 'test-results/', 'playwright-report/', 'reports/', '.stryker-tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/shared/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals['shared-node-browser'] } },
    rules: {
      'no-restricted-imports': ['error', { paths: [...noNodeBuiltins, ...noElectron], patterns: layer('node', 'main', 'preload', 'renderer') }],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', { paths: [...noNodeBuiltins, ...noElectron], patterns: layer('node', 'main', 'preload') }],
    },
  },
  {
    files: ['src/node/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: noElectron, patterns: layer('main', 'preload', 'renderer') }],
    },
  },
  {
    files: ['src/preload/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', { paths: noNodeBuiltins, patterns: layer('node', 'main', 'renderer') }],
    },
  },
);
