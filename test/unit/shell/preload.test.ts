import { describe, expect, it, vi } from 'vitest';
import { EVENT_CHANNEL, requestChannel, requestNames } from '../../../common/bridge-contract.ts';

const exposed: Record<string, unknown> = {};
const invoked: unknown[][] = [];
let eventHandler: ((e: unknown, m: unknown) => void) | null = null;

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
  ipcRenderer: {
    invoke: (...args: unknown[]) => {
      invoked.push(args);
      return Promise.resolve({ ok: true, result: null });
    },
    on: (channel: string, fn: (e: unknown, m: unknown) => void) => {
      if (channel === EVENT_CHANNEL) eventHandler = fn;
    },
  },
}));

await import('../../../preload/index.ts');
const api = exposed['switchboard'] as Record<string, (...a: unknown[]) => unknown>;

describe('preload', () => {
  it('exposes exactly one named function per contract request, plus on()', () => {
    expect(Object.keys(exposed)).toEqual(['switchboard']);
    expect(Object.keys(api).sort()).toEqual([...requestNames, 'on'].sort());
    for (const k of Object.keys(api)) expect(typeof api[k]).toBe('function');
    expect(api['invoke']).toBeUndefined();
    expect(api['send']).toBeUndefined();
  });

  it('sends each request on its own channel', async () => {
    await api['getAppInfo']!({});
    expect(invoked.at(-1)).toEqual([requestChannel('getAppInfo'), {}]);
  });

  it('delivers contract events to listeners and refuses unknown event names', () => {
    const got: unknown[] = [];
    const off = api['on']!('status', (p: unknown) => got.push(p)) as () => void;
    eventHandler!({}, { event: 'status', payload: { a: 1 } });
    eventHandler!({}, { event: 'unknownEvent', payload: { b: 2 } });
    off();
    eventHandler!({}, { event: 'status', payload: { a: 2 } });
    expect(got).toEqual([{ a: 1 }]);
    expect(() => api['on']!('anything', () => {})).toThrow(/Unknown Switchboard event/);
  });
});
