/**
 * The app's status line (account, reachability, clock, platform warnings): one object that several
 * domains write and every change of which is pushed to the renderer as a `status` event.
 */
import type { AppStatus } from '../../common/bridge-contract.ts';

export class StatusBoard {
  private readonly status: AppStatus;
  private readonly publish: (status: AppStatus) => void;

  constructor(initial: AppStatus, publish: (status: AppStatus) => void) {
    this.status = structuredClone(initial);
    this.publish = publish;
  }

  snapshot(): AppStatus {
    return structuredClone(this.status);
  }

  /** Changes the status and pushes it, even when nothing changed (a late subscriber gets it). */
  update(change: (status: AppStatus) => void): void {
    change(this.status);
    this.publish(this.snapshot());
  }

  /** Changes one part and pushes only when it differs from what the renderer already has. */
  updateIfChanged<K extends keyof AppStatus>(key: K, next: AppStatus[K]): void {
    if (JSON.stringify(next) === JSON.stringify(this.status[key])) return;
    this.update((s) => {
      s[key] = next;
    });
  }
}
