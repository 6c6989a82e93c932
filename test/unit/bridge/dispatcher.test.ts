import { describe, expect, it } from 'vitest';
import { startAppServices } from '../../../main/app-services.ts';
import { createDispatcher, type BridgeHandlers } from '../../../main/bridge/dispatcher.ts';
import { DomainError } from '../../../main/core/domain-error.ts';
import { requestNames, requests } from '../../../common/bridge-contract.ts';
import { memoryLogger } from '../../support/test-log.ts';
import { testServiceOptions } from '../../support/host.ts';

describe('bridge dispatcher', () => {
  it('answers getAppInfo with the version through the contract', async () => {
    const { log } = memoryLogger();
    const services = await startAppServices({ ...testServiceOptions(log), version: '9.8.7' });
    const res = await services.dispatch('getAppInfo', {});
    expect(res).toMatchObject({ ok: true, result: { name: 'Switchboard', version: '9.8.7', host: 'browser-host' } });
  });

  it('refuses an unknown request by name', async () => {
    const { log, events } = memoryLogger();
    const services = await startAppServices(testServiceOptions(log));
    for (const name of ['deleteEverything', '__proto__', 'constructor', 42, null]) {
      const res = await services.dispatch(name, {});
      expect(res.ok).toBe(false);
      if (!res.ok) expect(res.error.code).toBe('unknown_request');
    }
    expect(events()).toContain('bridge.unknown_request');
  });

  it('refuses a payload that fails the request schema and names the field', async () => {
    const { log } = memoryLogger();
    const services = await startAppServices(testServiceOptions(log));
    const res = await services.dispatch('getStatus', { sneaky: true });
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.error.code).toBe('invalid_params');
      expect(res.error.message).toMatch(/getStatus/);
      expect(res.error.message).toMatch(/sneaky|unrecognized/i);
    }
    const notAnObject = await services.dispatch('getStatus', 'hello');
    expect(notAnObject.ok).toBe(false);
  });

  it("passes a handler's own error code through and hides unexpected errors", async () => {
    const { log, sink } = memoryLogger();
    const handlers = {
      getAppInfo: () => {
        throw new DomainError('not_connected', 'Connect your account first.');
      },
      getStatus: () => {
        throw new Error('database exploded at /secret/path');
      },
    } as Partial<BridgeHandlers> as BridgeHandlers;
    const dispatch = createDispatcher(handlers, log);
    expect(await dispatch('getAppInfo', {})).toEqual({
      ok: false,
      error: { code: 'not_connected', message: 'Connect your account first.' },
    });
    const res = await dispatch('getStatus', {});
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.error.code).toBe('internal');
      expect(res.error.message).not.toMatch(/secret/);
    }
    expect(sink.lines.join('')).toMatch(/database exploded/);
  });

  it('refuses to send a result the contract does not promise', async () => {
    const { log } = memoryLogger();
    const dispatch = createDispatcher(
      { getAppInfo: () => ({ name: 'x' }) as never, getStatus: () => ({}) as never } as Partial<BridgeHandlers> as BridgeHandlers,
      log,
    );
    const res = await dispatch('getAppInfo', {});
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error.code).toBe('internal');
  });

  it("declares every request's params strictly, so unexpected keys never reach a handler", () => {
    for (const name of requestNames) {
      expect(requests[name].params.safeParse({ __unexpected: 1 }).success, name).toBe(false);
    }
  });
});
