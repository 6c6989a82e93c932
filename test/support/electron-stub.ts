/**
 * Stands in for the `electron` module in unit tests (see vitest.config.ts). Any test that
 * reaches for a real Electron API gets a clear failure instead of a binary download attempt.
 */
const notAvailable = (what: string) => () => {
  throw new Error(`electron.${what} is not available in unit tests; pass a stub in explicitly`);
};
export const app = new Proxy({}, { get: (_t, p) => notAvailable(`app.${String(p)}`) });
export const ipcMain = { handle: notAvailable('ipcMain.handle'), removeHandler: notAvailable('ipcMain.removeHandler') };
export const contextBridge = { exposeInMainWorld: notAvailable('contextBridge.exposeInMainWorld') };
export const ipcRenderer = { invoke: notAvailable('ipcRenderer.invoke'), on: notAvailable('ipcRenderer.on') };
export default { app, ipcMain, contextBridge, ipcRenderer };
