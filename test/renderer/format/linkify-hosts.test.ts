/**
 * Issue 19: links in message text. IP-address and LAN hosts stay plain text (a message is no way
 * to reach the owner's router or intranet), and a host that mixes scripts — a look-alike such as
 * "аpple.com" with a Cyrillic "а" — is shown the way it resolves, in punycode. The href is always
 * the punycode form.
 */
import { describe, expect, it } from 'vitest';
import { linkParts } from '../../../renderer/src/components/conversations/linkify.ts';

const links = (text: string) => linkParts(text).filter((p) => p.href);

describe('linkify: hosts', () => {
  it('leaves IP-address, single-label and LAN hosts as plain text, with either scheme', () => {
    for (const host of [
      '192.168.1.1',
      '10.0.0.1',
      '127.0.0.1:8443',
      '0x7f.1',
      '2130706433',
      '[::1]',
      '[fe80::1]',
      'router.local',
      'router.local.',
      'nas.lan',
      'printer.home.arpa',
      'app.localhost',
      'localhost',
      'intranet',
      'db.internal',
    ]) {
      for (const scheme of ['http', 'https']) {
        const text = `open ${scheme}://${host}/admin now`;
        expect(links(text), text).toEqual([]);
        expect(linkParts(text), text).toEqual([{ text }]);
      }
    }
  });

  it('still links public hosts, including ones that start with digits', () => {
    expect(links('see https://1.example.com/x and https://example.com')).toEqual([
      { text: 'https://1.example.com/x', href: 'https://1.example.com/x' },
      { text: 'https://example.com', href: 'https://example.com/' },
    ]);
  });

  it('shows a host that mixes scripts in punycode, in the text and the href', () => {
    // "а" is CYRILLIC SMALL LETTER A.
    expect(links('log in at https://\u0430pple.com/login?next=1.')).toEqual([
      { text: 'https://xn--pple-43d.com/login?next=1', href: 'https://xn--pple-43d.com/login?next=1' },
    ]);
    expect(links('https://\u0430pple.com')).toEqual([{ text: 'https://xn--pple-43d.com', href: 'https://xn--pple-43d.com/' }]);
    // Cyrillic look-alikes under a Latin top-level domain mix scripts too.
    expect(links('https://\u0440\u0430\u0443\u0440\u0430l.com:8443/x')).toEqual([
      { text: 'https://xn--l-7sba6dbr.com:8443/x', href: 'https://xn--l-7sba6dbr.com:8443/x' },
    ]);
    // Greek omicron in a Latin name.
    expect(links('https://g\u03bf\u03bfgle.com/')[0]!.text).toBe(`https://${new URL('https://g\u03bf\u03bfgle.com/').hostname}/`);
  });

  it('shows a whole-Latin or whole-Cyrillic host as written, with the punycode href', () => {
    expect(links('https://bücher.de/buch')).toEqual([{ text: 'https://bücher.de/buch', href: 'https://xn--bcher-kva.de/buch' }]);
    expect(links('https://пример.рф/')).toEqual([{ text: 'https://пример.рф/', href: 'https://xn--e1afmkfd.xn--p1ai/' }]);
  });

  it('shows hosts the URL parser rewrites (full-width letters, odd dots, escapes) the way they resolve', () => {
    expect(links('https://\uff45xample.com/a')).toEqual([{ text: 'https://example.com/a', href: 'https://example.com/a' }]);
    expect(links('https://ex%61mple.com/a')).toEqual([{ text: 'https://example.com/a', href: 'https://example.com/a' }]);
    expect(links('https://b\u00fccher\u3002de/')).toEqual([{ text: 'https://xn--bcher-kva.de/', href: 'https://xn--bcher-kva.de/' }]);
  });

  it('keeps an ASCII host as written (case included) and the rest of the text intact', () => {
    const text = 'HTTPS://EXAMPLE.ORG/Up, then https://192.168.1.1/ and https://\u0430pple.com.';
    expect(links(text)).toEqual([
      { text: 'HTTPS://EXAMPLE.ORG/Up', href: 'https://example.org/Up' },
      { text: 'https://xn--pple-43d.com', href: 'https://xn--pple-43d.com/' },
    ]);
    expect(
      linkParts(text)
        .map((p) => p.text)
        .join(''),
    ).toBe(text.replace('https://\u0430pple.com', 'https://xn--pple-43d.com'));
  });
});
