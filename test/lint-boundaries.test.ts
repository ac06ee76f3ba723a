import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The runtime boundaries of DEVELOPERS.md habit 1 are guarded by eslint.config.js;
// these cases prove the guard bites (and does not bite where it must not).
const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImportErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages
    .filter((m) => ['no-restricted-imports', 'no-restricted-globals', 'no-restricted-properties', 'local/folder-imports'].includes(m.ruleId ?? ''))
    .map((m) => m.message);
}

describe('lint guards the runtime boundaries', () => {
  it('shared/ may not import Node', async () => {
    expect(await restrictedImportErrors('shared/domain/x.ts', "import fs from 'node:fs';\nexport const a = fs;\n")).toHaveLength(1);
    expect(await restrictedImportErrors('shared/domain/x.ts', "import path from 'path';\nexport const a = path;\n")).toHaveLength(1);
  });

  it('shared/ may not import Electron or React, nor touch window/process', async () => {
    expect(await restrictedImportErrors('shared/ipc/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toHaveLength(1);
    expect(await restrictedImportErrors('shared/ipc/x.ts', "import React from 'react';\nexport const a = React;\n")).toHaveLength(1);
    expect(await restrictedImportErrors('shared/ipc/x.ts', 'export const a = window.location;\n')).toHaveLength(1);
    expect(await restrictedImportErrors('shared/ipc/x.ts', 'export const a = process.env;\n')).toHaveLength(1);
    expect(await restrictedImportErrors('shared/ipc/x.ts', "export const a = localStorage.getItem('k');\n")).toHaveLength(1);
    expect(await restrictedImportErrors('shared/ipc/x.ts', 'export const a = navigator.userAgent;\n')).toHaveLength(1);
    expect(await restrictedImportErrors('shared/ipc/x.ts', 'export const a = globalThis.process;\n')).toHaveLength(1);
    expect(await restrictedImportErrors('shared/ipc/x.ts', "import { ipcRenderer } from 'electron/renderer';\nexport const a = ipcRenderer;\n")).toHaveLength(1);
  });

  it('shared/ may use the globals every runtime has', async () => {
    expect(await restrictedImportErrors('shared/domain/x.ts', 'export const a = [new TextEncoder(), new URL("http://x"), crypto.randomUUID(), structuredClone({})];\n')).toEqual([]);
  });

  it('shared/ may import zod', async () => {
    expect(await restrictedImportErrors('shared/domain/x.ts', "import { z } from 'zod';\nexport const a = z;\n")).toEqual([]);
  });

  it('electron/ outside the shell may not import electron, but may import Node', async () => {
    expect(await restrictedImportErrors('electron/store/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toHaveLength(1);
    expect(await restrictedImportErrors('electron/sync/x.ts', "import { app } from 'electron/main';\nexport const a = app;\n")).toHaveLength(1);
    expect(await restrictedImportErrors('electron/sync/x.ts', "import net from 'node:net';\nexport const a = net;\n")).toEqual([]);
  });

  it('the shell (electron/main, electron/preload) may import electron', async () => {
    expect(await restrictedImportErrors('electron/main/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toEqual([]);
    expect(await restrictedImportErrors('electron/preload/x.ts', "import { contextBridge } from 'electron';\nexport const a = contextBridge;\n")).toEqual([]);
  });

  it('renderer/ may import neither Node nor Electron', async () => {
    expect(await restrictedImportErrors('renderer/x.tsx', "import fs from 'node:fs';\nexport const a = fs;\n")).toHaveLength(1);
    expect(await restrictedImportErrors('renderer/x.tsx', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n")).toHaveLength(1);
  });

  it('shared/ may import only shared/, however the path is spelled', async () => {
    expect(await restrictedImportErrors('shared/domain/x.ts', "import { a } from '../../electron/sync/x';\nexport const b = a;\n")).toHaveLength(1);
    expect(await restrictedImportErrors('shared/domain/x.ts', "export { a } from '../../renderer/x';\n")).toHaveLength(1);
    expect(await restrictedImportErrors('shared/domain/x.ts', "export * from '../../electron/x';\n")).toHaveLength(1);
    expect(await restrictedImportErrors('shared/domain/x.ts', "export const b = import('../../electron/x');\n")).toHaveLength(1);
    expect(await restrictedImportErrors('shared/domain/x.ts', "import { a } from '../ipc/../domain/y';\nexport const b = a;\n")).toEqual([]);
    expect(await restrictedImportErrors('shared/domain/x.ts', "import { a } from '../../shared/ipc/y';\nexport const b = a;\n")).toEqual([]);
  });

  it('renderer/ may import itself and shared/, never electron/', async () => {
    expect(await restrictedImportErrors('renderer/screens/compose/x.ts', "import { a } from '../../../electron/sync/client-uuid-tag';\nexport const b = a;\n")).toHaveLength(1);
    expect(await restrictedImportErrors('renderer/screens/compose/x.ts', "import { a } from '../../../shared/domain/client-uuid';\nexport const b = a;\n")).toEqual([]);
    expect(await restrictedImportErrors('renderer/screens/compose/x.ts', "import { a } from '../../ipc/y';\nexport const b = a;\n")).toEqual([]);
  });

  it('electron/ may not import renderer/ (its tests may use the page transport)', async () => {
    expect(await restrictedImportErrors('electron/services/x.ts', "import { a } from '../../renderer/ipc/http-transport';\nexport const b = a;\n")).toHaveLength(1);
    expect(await restrictedImportErrors('electron/bridge/x.test.ts', "import { a } from '../../renderer/ipc/http-transport';\nexport const b = a;\n")).toEqual([]);
    expect(await restrictedImportErrors('electron/services/x.ts', "import { a } from '../../e2e/helpers';\nexport const b = a;\n")).toHaveLength(1);
  });

  it('only electron/main/ipc-main.ts and electron/preload/preload.ts may import raw ipcMain / ipcRenderer', async () => {
    expect(await restrictedImportErrors('electron/main/main.ts', "import { ipcMain } from 'electron';\nexport const a = ipcMain;\n")).toHaveLength(1);
    expect(await restrictedImportErrors('electron/main/x.ts', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n")).toHaveLength(1);
    expect(await restrictedImportErrors('electron/preload/x.ts', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n")).toHaveLength(1);
    expect(await restrictedImportErrors('electron/main/ipc-main.ts', "import { ipcMain } from 'electron';\nexport const a = ipcMain;\n")).toEqual([]);
    expect(await restrictedImportErrors('electron/preload/preload.ts', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n")).toEqual([]);
    expect(await restrictedImportErrors('electron/main/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toEqual([]);
  });
});
