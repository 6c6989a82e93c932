/** Types and helpers shared by the thread stores (list, search, timeline, composer, call permission). */
import type { ResultOf, TimelineItem } from '../../../common/bridge-contract.ts';

export type ThreadFilter = 'all' | 'unread' | 'missed';
export type Cursor = { at: string; id: number };
export type SearchHit = ResultOf<'search'>['hits'][number];
export type CallPermission = ResultOf<'getCallPermission'>;
export type Template = ResultOf<'listTemplates'>['templates'][number];
export type ExportFormat = 'json' | 'csv';
export interface WindowState {
  open: boolean;
  expiresAt: string | null;
}

export const MAX_TEXT_LENGTH = 4096;
export const LIST_PAGE = 50;
export const TIMELINE_PAGE = 60;

export const byTime = (a: TimelineItem, b: TimelineItem): number => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id - b.id);

export function failedText(item: TimelineItem): string | null {
  const e = item.data['error'] as { message?: unknown; error_data?: { details?: unknown } } | null | undefined;
  const details = e?.error_data?.details;
  return typeof details === 'string' ? details : typeof e?.message === 'string' ? e.message : null;
}

export { errorText } from '../format/error-text.ts';
