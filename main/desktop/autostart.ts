/**
 * Start at login. macOS and Windows use Electron's login-item settings; Linux has no such API,
 * so an XDG autostart entry (~/.config/autostart/switchboard.desktop) is written or removed.
 */
export interface LoginItemPlan {
  kind: 'electron-login-item' | 'xdg-autostart';
  openAtLogin: boolean;
  hidden: boolean;
  /** For xdg-autostart: the file and its content (null content = remove the file). */
  file?: string;
  content?: string | null;
}

export function loginItemPlan(opts: {
  platform: NodeJS.Platform;
  enabled: boolean;
  hidden: boolean;
  execPath: string;
  configHome: string;
}): LoginItemPlan {
  if (opts.platform === 'darwin' || opts.platform === 'win32')
    return { kind: 'electron-login-item', openAtLogin: opts.enabled, hidden: opts.hidden };
  const file = `${opts.configHome.replace(/\/+$/, '')}/autostart/switchboard.desktop`;
  if (!opts.enabled) return { kind: 'xdg-autostart', openAtLogin: false, hidden: opts.hidden, file, content: null };
  const quote = (s: string) => (/[\s"\\`$]/.test(s) ? `"${s.replace(/(["\\`$])/g, '\\$1')}"` : s);
  const exec = [quote(opts.execPath), ...(opts.hidden ? ['--hidden'] : [])].join(' ');
  const content = [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Switchboard',
    'Comment=WhatsApp Business calls on your desktop',
    `Exec=${exec}`,
    'Icon=switchboard',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
  return { kind: 'xdg-autostart', openAtLogin: true, hidden: opts.hidden, file, content };
}
