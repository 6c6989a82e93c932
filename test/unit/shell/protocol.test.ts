import { describe, expect, it } from 'vitest';
import { createAppProtocolHandler } from '../../../main/shell/protocol.ts';
import { CONTENT_SECURITY_POLICY } from '../../../main/renderer-files.ts';
import { fakeRendererDir } from '../../support/host.ts';

describe('app:// protocol', () => {
  const handle = createAppProtocolHandler(fakeRendererDir());

  it('serves the packaged renderer with the CSP', async () => {
    const res = await handle(new Request('app://switchboard/index.html'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await res.text()).toContain('<div id="app">');
  });

  it('serves nothing for another host, another method or an escape attempt', async () => {
    expect((await handle(new Request('app://elsewhere/index.html'))).status).toBe(404);
    expect((await handle(new Request('app://switchboard/index.html', { method: 'POST', body: 'x' }))).status).toBe(404);
    const escape = await handle(new Request('app://switchboard/..%2f..%2f..%2fetc/passwd'));
    expect(await escape.text()).not.toContain('root:');
  });
});
