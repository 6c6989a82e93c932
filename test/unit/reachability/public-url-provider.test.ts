import { describe, expect, it } from 'vitest';
import { checkPublicUrl, PublicUrlProvider } from '../../../main/reachability/public-url-provider.ts';
import { TunnelStartError } from '../../../main/reachability/tunnel-provider.ts';

describe('public-url provider', () => {
  it('accepts an https URL and hands it back as given', async () => {
    const p = new PublicUrlProvider('  https://calls.example.com/switchboard  ');
    expect(p.kind).toBe('public-url');
    await expect(p.start(4000)).resolves.toEqual({ url: 'https://calls.example.com/switchboard' });
    let downs = 0;
    const off = p.onDown(() => downs++);
    await p.stop();
    off();
    expect(downs).toBe(0);
    expect(checkPublicUrl('https://203.0.113.7:8443')).toEqual({ ok: true, url: 'https://203.0.113.7:8443' });
  });

  it.each([
    ['', /Enter the public HTTPS address/],
    ['calls.example.com', /not a web address/],
    ['http://calls.example.com', /must start with https/],
    ['ftp://calls.example.com', /must start with https/],
    ['https://user:pw@calls.example.com', /user name and password/],
    ['https://user@calls.example.com', /user name and password/],
    ['https://calls.example.com/#x', /“#…”/],
    ['https://calls.example.com/#', /“#…”/],
    ['https://calls.example.com/?a=1', /“\?…”/],
    ['https://localhost:8443', /reachable from the internet/],
    ['https://127.0.0.1', /reachable from the internet/],
  ])('refuses %j with a reason the owner can act on', (input, reason) => {
    const check = checkPublicUrl(input);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.reason).toMatch(reason);
    expect(() => new PublicUrlProvider(input)).toThrow(TunnelStartError);
  });
});
