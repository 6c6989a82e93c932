import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../../..');
const eslint = new ESLint({ cwd: root });

async function ruleIdsFor(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

const RULE = '@typescript-eslint/no-restricted-imports';

describe('lint enforces the process split', () => {
  it('refuses a run-time electron import outside the Electron layer and the preload', async () => {
    expect(await ruleIdsFor('main/calls/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toContain(RULE);
    expect(await ruleIdsFor('main/app-services.ts', "import { ipcMain } from 'electron';\nexport const a = ipcMain;\n")).toContain(RULE);
  });

  it('allows electron in main/shell and preload, and type-only imports elsewhere', async () => {
    expect(await ruleIdsFor('main/shell/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).not.toContain(RULE);
    expect(await ruleIdsFor('preload/x.ts', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n")).not.toContain(
      RULE,
    );
    expect(await ruleIdsFor('main/x.ts', "import type { WebContents } from 'electron';\nexport type A = WebContents;\n")).not.toContain(
      RULE,
    );
  });

  it('refuses Node built-ins and electron in renderer code', async () => {
    expect(await ruleIdsFor('renderer/src/x.ts', "import fs from 'node:fs';\nexport const a = fs;\n")).toContain(RULE);
    expect(await ruleIdsFor('renderer/src/x.ts', "import fs from 'fs';\nexport const a = fs;\n")).toContain(RULE);
    expect(await ruleIdsFor('renderer/src/x.ts', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n")).toContain(
      RULE,
    );
    expect(await ruleIdsFor('renderer/src/x.ts', "import { ref } from 'vue';\nexport const a = ref(1);\n")).not.toContain(RULE);
  });

  it('keeps the shared contract free of Node built-ins', async () => {
    expect(await ruleIdsFor('common/x.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n")).toContain(RULE);
  });

  it('keeps main/bridge out of the domain folders, which throw DomainError instead', async () => {
    const bridgeImport = "import { createDispatcher } from '../bridge/dispatcher.ts';\nexport const a = createDispatcher;\n";
    expect(await ruleIdsFor('main/calls/x.ts', bridgeImport)).toContain(RULE);
    expect(await ruleIdsFor('main/threads/x.ts', bridgeImport)).toContain(RULE);
    expect(
      await ruleIdsFor(
        'main/app-services.ts',
        "import { createDispatcher } from './bridge/dispatcher.ts';\nexport const a = createDispatcher;\n",
      ),
    ).not.toContain(RULE);
    expect(
      await ruleIdsFor('main/calls/x.ts', "import { DomainError } from '../core/domain-error.ts';\nexport const a = DomainError;\n"),
    ).not.toContain(RULE);
    // The shared contract's slices (common/bridge/) are types every process may use.
    expect(
      await ruleIdsFor(
        'main/webhooks/x.ts',
        "import { CallDirection } from '../../common/bridge/calls.ts';\nexport const a = CallDirection;\n",
      ),
    ).not.toContain(RULE);
  });

  it('keeps the bridge out of components, which talk to stores', async () => {
    const bridgeImport = "import { useBridge } from '../../bridge/bridge.ts';\nexport const a = useBridge;\n";
    expect(await ruleIdsFor('renderer/src/components/settings/X.ts', bridgeImport)).toContain(RULE);
    expect(
      await ruleIdsFor('renderer/src/stores/x.store.ts', "import { useBridge } from '../bridge/bridge.ts';\nexport const a = useBridge;\n"),
    ).not.toContain(RULE);
    expect(await ruleIdsFor('renderer/src/components/X.ts', "import fs from 'node:fs';\nexport const a = fs;\n")).toContain(RULE);
  });
});
