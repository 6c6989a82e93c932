import type { SwitchboardApi } from '../../common/bridge-contract.ts';

declare global {
  interface Window {
    /** Present in the Electron shell (exposed by the preload); absent in the browser host. */
    switchboard?: SwitchboardApi;
  }
}

export {};
