import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { GraphClient, nextAllowedTime } from '../../../main/graph/graph-client.ts';
import { GRAPH_ERRORS, GraphError } from '../../../main/graph/graph-errors.ts';
import { memoryLogger } from '../../support/test-log.ts';
import { startScriptedServer, type Reply } from '../../support/scripted-server.ts';

const TOKEN = 'EAAG-secret-token-value-1234567890';
const Ok = z.object({ success: z.literal(true) });

const graphError = (code: number, status: number, extra: Record<string, unknown> = {}): Reply => ({
  status,
  json: {
    error: {
      message: `(#${code}) Something. token=${TOKEN}`,
      type: 'OAuthException',
      code,
      fbtrace_id: 'AbC',
      error_data: { messaging_product: 'whatsapp', details: `details mention ${TOKEN}` },
      ...extra,
    },
  },
});

let closeServer: (() => Promise<void>) | null = null;
afterEach(async () => {
  await closeServer?.();
  closeServer = null;
});

async function client(script: (n: number) => Reply, opts: { timeoutMs?: number } = {}) {
  const server = await startScriptedServer((_req, n) => script(n));
  closeServer = server.close;
  const mem = memoryLogger();
  const c = new GraphClient({
    baseUrl: server.url,
    version: 'v25.0',
    token: () => TOKEN,
    log: mem.log,
    backoffMs: () => 1,
    timeoutMs: opts.timeoutMs ?? 2000,
  });
  return { c, server, mem };
}

async function failure(p: Promise<unknown>): Promise<GraphError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof GraphError) return err;
    throw err;
  }
  throw new Error('expected a GraphError');
}

describe('Graph client', () => {
  it('sends the Bearer token and the version prefix, and validates the response', async () => {
    const { c, server } = await client(() => ({ status: 200, json: { success: true } }));
    await expect(c.request({ method: 'POST', path: '/123/calls', body: { a: 1 }, schema: Ok })).resolves.toEqual({ success: true });
    expect(server.requests[0]!.url).toBe('/v25.0/123/calls');
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(JSON.parse(server.requests[0]!.body)).toEqual({ a: 1 });
  });

  it('maps every documented code to a plain message, and never leaks the token', async () => {
    for (const code of Object.keys(GRAPH_ERRORS).map(Number)) {
      const { c, mem } = await client(() => graphError(code, 400));
      const err = await failure(c.request({ method: 'POST', path: '/1/x', body: {}, schema: Ok }));
      expect(err.code).toBe(code);
      expect(err.message).toBe(GRAPH_ERRORS[code]!.message);
      const everything = JSON.stringify({ ...err.toJSON(), g: err.graphMessage, d: err.details, s: err.stack, log: mem.sink.lines });
      expect(everything, String(code)).not.toContain(TOKEN);
      await closeServer?.();
      closeServer = null;
    }
  });

  it('says what to do for an expired token (190)', async () => {
    const { c } = await client(() => graphError(190, 401));
    const err = await failure(c.request({ method: 'GET', path: '/me', schema: Ok }));
    expect(err.category).toBe('auth');
    expect(err.userMessage).toMatch(/access token .* expired.*Settings → Account/);
  });

  it('retries a GET after 5xx and throttling, then succeeds', async () => {
    const { c, server } = await client((n) =>
      n === 1 ? { status: 500, json: {} } : n === 2 ? graphError(613, 400) : { status: 200, json: { success: true } },
    );
    await expect(c.request({ method: 'GET', path: '/1/settings', schema: Ok })).resolves.toEqual({ success: true });
    expect(server.requests).toHaveLength(3);
  });

  it('never repeats a POST that failed with 5xx or a timeout (it may have taken effect)', async () => {
    const five = await client(() => ({ status: 502, json: {} }));
    await failure(five.c.request({ method: 'POST', path: '/1/calls', body: { action: 'accept' }, schema: Ok }));
    expect(five.server.requests).toHaveLength(1);
    await closeServer?.();
    const slow = await client(() => 'hang', { timeoutMs: 200 });
    const err = await failure(slow.c.request({ method: 'POST', path: '/1/calls', body: { action: 'connect' }, schema: Ok }));
    expect(err.code).toBe('timeout');
    expect(slow.server.requests).toHaveLength(1);
  });

  it('repeats a POST refused by throttling (nothing happened), up to the attempt limit', async () => {
    const { c, server } = await client((n) => (n < 3 ? graphError(130429, 400) : { status: 200, json: { success: true } }));
    await expect(c.request({ method: 'POST', path: '/1/messages', body: {}, schema: Ok })).resolves.toEqual({ success: true });
    expect(server.requests).toHaveLength(3);
    await closeServer?.();
    const always = await client(() => graphError(130429, 400));
    await failure(always.c.request({ method: 'POST', path: '/1/messages', body: {}, schema: Ok }));
    expect(always.server.requests).toHaveLength(4);
  });

  it('does not retry the hour-scale rate limits 4 and 80007 within seconds, and says when to try again', async () => {
    for (const code of [4, 80007]) {
      for (const method of ['GET', 'POST'] as const) {
        await closeServer?.();
        const { c, server } = await client(() => graphError(code, 400));
        const err = await failure(c.request({ method, path: '/1/settings', ...(method === 'POST' ? { body: {} } : {}), schema: Ok }));
        expect(server.requests).toHaveLength(1);
        expect(err.userMessage).toMatch(/try again in about an hour/);
      }
    }
  });

  it("reads 138012's next allowed time from error_data.details (ISO or Unix seconds), or a separate field", () => {
    expect(
      nextAllowedTime('Business initiated calls limit reached; next call allowed at 2026-12-07T10:15:00.000Z', undefined)?.toISOString(),
    ).toBe('2026-12-07T10:15:00.000Z');
    expect(nextAllowedTime('Limit reached. Next call allowed after 1796638500', undefined)?.toISOString()).toBe('2026-12-07T10:15:00.000Z');
    expect(nextAllowedTime('Limit reached.', 1796638500)?.toISOString()).toBe('2026-12-07T10:15:00.000Z');
    expect(nextAllowedTime('Limit reached.', undefined)).toBeNull();
  });

  it('reports a daily or concurrent call limit at once instead of repeating the connect (138005, 138002)', async () => {
    for (const code of [138005, 138002]) {
      const { c, server } = await client(() => graphError(code, 429));
      const err = await failure(c.request({ method: 'POST', path: '/1/calls', body: { action: 'connect' }, schema: Ok }));
      expect(err.code).toBe(code);
      expect(err.refusedBeforeAction).toBe(true);
      expect(server.requests).toHaveLength(1);
      await closeServer?.();
      closeServer = null;
    }
  });

  it('says a POST whose answer was lost (5xx page, empty 5xx, timeout) may have been carried out; a GET just failed', async () => {
    const html = await client(() => ({ status: 502, text: '<html>Bad gateway</html>' }));
    const e1 = await failure(html.c.request({ method: 'POST', path: '/1/calls', body: { action: 'accept' }, schema: Ok }));
    expect(e1.userMessage).toBe(
      "WhatsApp's server had a problem (HTTP 502) and answered with an error page instead of a result. WhatsApp may have carried it out anyway: check before trying again.",
    );
    expect(e1.outcomeUnknown).toBe(true);
    await closeServer?.();
    const empty = await client(() => ({ status: 500, text: '' }));
    const e2 = await failure(empty.c.request({ method: 'POST', path: '/1/messages', body: {}, schema: Ok }));
    expect(e2.userMessage).toBe(
      "WhatsApp's server had a problem (HTTP 500) and gave no details. WhatsApp may have carried it out anyway: check before trying again.",
    );
    await closeServer?.();
    const get = await client(() => ({ status: 503, text: '' }));
    const e3 = await failure(get.c.request({ method: 'GET', path: '/1/settings', schema: Ok }));
    expect(e3.userMessage).toBe("WhatsApp's server had a problem (HTTP 503) and gave no details. Try again in a moment.");
    expect(e3.outcomeUnknown).toBe(false);
    expect(get.server.requests).toHaveLength(4);
    await closeServer?.();
    const slow = await client(() => 'hang', { timeoutMs: 300 });
    const e4 = await failure(slow.c.request({ method: 'POST', path: '/1/calls', body: { action: 'connect' }, schema: Ok }));
    expect(e4.userMessage).toMatch(/did not answer within 0\.3 s\. WhatsApp may have carried it out anyway/);
    expect(e4.outcomeUnknown).toBe(true);
  });

  it('where nothing can be highlighted, an invalid parameter (100) says what Graph said instead', async () => {
    const { c } = await client(() => ({
      status: 400,
      json: {
        error: {
          message: '(#100) Invalid parameter',
          type: 'OAuthException',
          code: 100,
          error_data: { messaging_product: 'whatsapp', details: 'session.sdp_type must be "answer"' },
        },
      },
    }));
    const err = await failure(c.request({ method: 'POST', path: '/1/calls', body: {}, schema: Ok }));
    expect(err.userMessage).toBe('WhatsApp refused a value in the request. Check the highlighted value and try again.');
    expect(err.actionMessage).toBe('WhatsApp refused a value in the request. WhatsApp said: session.sdp_type must be "answer".');
    expect(new GraphError({ code: 138006, category: 'calling', message: 'm', fix: 'f' }).actionMessage).toBe('m f');
  });

  it('takes its timeout from SWITCHBOARD_GRAPH_TIMEOUT_MS when set', async () => {
    const old = process.env['SWITCHBOARD_GRAPH_TIMEOUT_MS'];
    process.env['SWITCHBOARD_GRAPH_TIMEOUT_MS'] = '250';
    try {
      const server = await startScriptedServer(() => 'hang');
      closeServer = server.close;
      const c = new GraphClient({ baseUrl: server.url, version: 'v25.0', token: () => TOKEN, log: memoryLogger().log });
      const started = Date.now();
      const err = await failure(c.request({ method: 'POST', path: '/1/calls', body: {}, schema: Ok }));
      expect(err.code).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      if (old === undefined) delete process.env['SWITCHBOARD_GRAPH_TIMEOUT_MS'];
      else process.env['SWITCHBOARD_GRAPH_TIMEOUT_MS'] = old;
    }
  });

  it('reports an answer of the wrong shape, non-JSON and unreachable hosts clearly', async () => {
    const bad = await client(() => ({ status: 200, json: { success: 'yes' } }));
    expect((await failure(bad.c.request({ method: 'POST', path: '/1/x', body: {}, schema: Ok }))).message).toMatch(
      /expected shape.*success/,
    );
    await closeServer?.();
    const html = await client(() => ({ status: 404, text: '<html>Not here</html>' }));
    const e = await failure(html.c.request({ method: 'POST', path: '/1/x', body: {}, schema: Ok }));
    expect(e.message).toMatch(/not JSON \(HTTP 404\)/);
    expect(e.fix).toMatch(/base URL/);
    await closeServer?.();
    closeServer = null;
    const nowhere = new GraphClient({
      baseUrl: 'http://127.0.0.1:1',
      version: 'v25.0',
      token: () => TOKEN,
      log: memoryLogger().log,
      backoffMs: () => 1,
      maxAttempts: 2,
    });
    const n = await failure(nowhere.request({ method: 'GET', path: '/1', schema: Ok }));
    expect(n.code).toBe('network');
    expect(n.message).toMatch(/Could not reach 127\.0\.0\.1:1/);
  });

  it('refuses to call Graph without a token', async () => {
    const { c, server } = await client(() => ({ status: 200, json: { success: true } }));
    const noToken = new GraphClient({ baseUrl: server.url, version: 'v25.0', token: () => null, log: memoryLogger().log });
    expect((await failure(noToken.request({ method: 'GET', path: '/1', schema: Ok }))).code).toBe('no_token');
    expect(server.requests).toHaveLength(0);
    void c;
  });
});
