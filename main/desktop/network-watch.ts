/**
 * Notices when the network comes back or changes (Wi-Fi to another Wi-Fi, a cable plugged in, a
 * VPN) by polling `os.networkInterfaces()` every few seconds — Node has no change event, and the
 * poll costs microseconds. When the set of non-internal addresses changes to a non-empty one, the
 * tunnel's connection is almost certainly dead (localtunnel says nothing when its link drops), so
 * the caller restarts it and re-checks reachability at once instead of waiting for the next
 * health probe. Going from some addresses to none is reported too (`down`), but there is nothing
 * to restart then. Plain Node: the browser host and the desktop app both run it.
 */
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

export type InterfacesFn = () => NodeJS.Dict<NetworkInterfaceInfo[]>;
export type NetworkChange = { kind: 'up' | 'changed' | 'down'; addresses: string[] };

/** The machine's external addresses, sorted ("eth0 192.168.1.20"); link-local IPv6 left out (they come and go). */
export function externalAddresses(list: ReturnType<InterfacesFn>): string[] {
  const out: string[] = [];
  for (const [name, infos] of Object.entries(list)) {
    for (const i of infos ?? []) {
      if (i.internal) continue;
      if (i.family === 'IPv6' && /^fe80:/i.test(i.address)) continue;
      out.push(`${name} ${i.address}`);
    }
  }
  return out.sort();
}

export function compareAddresses(before: readonly string[], after: readonly string[]): NetworkChange | null {
  if (before.length === after.length && before.every((a, i) => a === after[i])) return null;
  if (after.length === 0) return { kind: 'down', addresses: [] };
  if (before.length === 0) return { kind: 'up', addresses: [...after] };
  return { kind: 'changed', addresses: [...after] };
}

export interface NetworkWatch {
  /** Polls once now (tests; also used after resume). */
  poll(): NetworkChange | null;
  stop(): void;
}

export function watchNetwork(o: {
  onChange: (change: NetworkChange) => void;
  intervalMs?: number;
  interfaces?: InterfacesFn;
}): NetworkWatch {
  const read = o.interfaces ?? networkInterfaces;
  const safeRead = (): string[] | null => {
    try {
      return externalAddresses(read());
    } catch {
      return null; // a transient failure is not a change
    }
  };
  let known = safeRead() ?? [];
  const poll = (): NetworkChange | null => {
    const now = safeRead();
    if (!now) return null;
    const change = compareAddresses(known, now);
    known = now;
    if (change) o.onChange(change);
    return change;
  };
  const timer = setInterval(poll, o.intervalMs ?? 5_000);
  timer.unref?.();
  return { poll, stop: () => clearInterval(timer) };
}
