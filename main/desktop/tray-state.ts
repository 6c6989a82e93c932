import type { AppStatus } from '../../common/bridge-contract.ts';
import { isEngagedCall } from '../../common/rules/call-state.ts';

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

export const TRAY_TOOLTIP: Record<TrayState, string> = {
  ringing: 'Switchboard — a customer is calling',
  'on-call': 'Switchboard — on a call',
  dnd: 'Switchboard — do not disturb (calls are recorded, not rung)',
  unreachable: 'Switchboard — unreachable: calls will be missed',
  ready: 'Switchboard — ready for calls',
  'not-connected': 'Switchboard — connect your WhatsApp number',
};

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
export function dndMenuLabel(until: string | null, now: Date, locale?: string): string {
  const t = until ? Date.parse(until) : NaN;
  if (!(t > now.getTime())) return 'Do not disturb';
  const end = new Date(t);
  const time = end.toLocaleTimeString(locale, { hour: 'numeric', minute: '2-digit' });
  const tomorrow = new Date(now);
  tomorrow.setDate(tomorrow.getDate() + 1);
  if (end.toDateString() === now.toDateString()) return `Do not disturb — until ${time}`;
  if (end.toDateString() === tomorrow.toDateString()) return `Do not disturb — until tomorrow ${time}`;
  return `Do not disturb — until ${end.toLocaleDateString(locale, { month: 'short', day: 'numeric' })} ${time}`;
}
