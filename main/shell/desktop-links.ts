/**
 * Click-to-call links (`whatsapp-call:`, and `tel:` where the OS allows): parsed by
 * `main/desktop/click-to-call.ts`, then the window opens that customer's thread offering a call.
 */
import { app } from 'electron';
import { callLinkFromArgv, parseCallLink } from '../desktop/click-to-call.ts';
import type { DesktopOptions } from './desktop.ts';

/** Claims our scheme and listens for links; returns what the shell calls with a (second) instance's argv. */
export function setupCallLinks(o: DesktopOptions): (argv: string[]) => void {
  const { services, log } = o;
  // Our own scheme is claimed at run time. tel: is only declared by the installers
  // (electron-builder.yml `protocols`: Info.plist, the .desktop file's MimeType, the NSIS registry
  // entries), so the OS offers Switchboard as a choice for phone links: taking over the owner's
  // default phone app silently at run time would be rude, so tel: works only where the owner (or
  // the OS) picks Switchboard. Either scheme lands in handleLink.
  if (!app.isDefaultProtocolClient('whatsapp-call')) app.setAsDefaultProtocolClient('whatsapp-call');
  const handleLink = (link: string): void => {
    const parsed = parseCallLink(link);
    if (!parsed.ok) {
      log.warn('desktop.call_link_refused', { reason: parsed.reason });
      return;
    }
    o.showWindow();
    services.openThreadForNumber(parsed.waId, true);
  };
  app.on('open-url', (event, url) => {
    event.preventDefault();
    handleLink(url);
  });
  return (argv: string[]): void => {
    const link = callLinkFromArgv(argv);
    if (link) handleLink(link);
  };
}
