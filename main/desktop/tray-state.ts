import type { AppStatus } from '../../common/bridge-contract.ts';
import { isEngagedCall } from '../../common/rules/call-state.ts';
import { mainLocale, tr } from '../i18n/tr.ts';

/**
 * What the tray / menu-bar icon shows, from the app's state — most urgent first: a ringing call,
 * a live call, do-not-disturb, unreachable (calls will be missed), ready.
 */
export type TrayState = 'ringing' | 'on-call' | 'dnd' | 'unreachable' | 'ready' | 'not-connected';

export interface TrayInput {
  accountConnected: boolean;
  reachability: AppStatus['reachability']['state'];
  callStates: ReadonlyArray<string>;
  dndUntil: string | null;
  now: Date;
}

export function trayState(i: TrayInput): TrayState {
  if (i.callStates.some((s) => s === 'ringing')) return 'ringing';
  if (i.callStates.some(isEngagedCall)) return 'on-call';
  if (i.dndUntil && Date.parse(i.dndUntil) > i.now.getTime()) return 'dnd';
  if (!i.accountConnected) return 'not-connected';
  if (i.reachability === 'unreachable') return 'unreachable';
  return 'ready';
}

const TRAY_STATES: readonly TrayState[] = ['ringing', 'on-call', 'dnd', 'unreachable', 'ready', 'not-connected'];

/** The state in words, as the tray menu's status line says it (in the language in effect). */
export function trayStatusLabel(state: TrayState): string {
  return tr(`tray.status.${state}`);
}

/** The tray's tooltip per state ("Switchboard — ready for calls"), read in the language in effect each time. */
export const TRAY_TOOLTIP: Readonly<Record<TrayState, string>> = Object.defineProperties(
  {} as Record<TrayState, string>,
  Object.fromEntries(
    TRAY_STATES.map((state) => [state, { enumerable: true, get: () => tr('tray.tooltip', { status: trayStatusLabel(state) }) }]),
  ),
);

/** "Do not disturb" choices in the tray menu: for an hour, until tomorrow morning, off. */
export function dndUntil(choice: 'hour' | 'tomorrow' | 'off', now: Date): string | null {
  if (choice === 'off') return null;
  if (choice === 'hour') return new Date(now.getTime() + 3_600_000).toISOString();
  const t = new Date(now);
  t.setDate(t.getDate() + 1);
  t.setHours(8, 0, 0, 0);
  return t.toISOString();
}

/** The tray menu's do-not-disturb item: says until when while it is on ("Do not disturb — until 14:30"). */
export function dndMenuLabel(until: string | null, now: Date, locale: string = mainLocale()): string {
  const t = until ? Date.parse(until) : NaN;
  if (!(t > now.getTime())) return tr('tray.dnd');
  const end = new Date(t);
  const time = end.toLocaleTimeString(locale, { hour: 'numeric', minute: '2-digit' });
  const tomorrow = new Date(now);
  tomorrow.setDate(tomorrow.getDate() + 1);
  if (end.toDateString() === now.toDateString()) return tr('tray.dnd.untilTime', { time });
  if (end.toDateString() === tomorrow.toDateString()) return tr('tray.dnd.untilTomorrow', { time });
  return tr('tray.dnd.untilDate', { date: end.toLocaleDateString(locale, { month: 'short', day: 'numeric' }), time });
}
