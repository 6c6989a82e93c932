/**
 * The thread store's shapes: contacts, thread summaries, timeline items and the keyset cursor,
 * and how an items row becomes a TimelineItem. The shapes the bridge carries are the contract's
 * (common/bridge-contract.ts), inferred from its schemas rather than written again here.
 */
import type { z } from 'zod';
import type { PageCursor, ThreadSummary, TimelineItem } from '../../common/bridge-contract.ts';

export type { ThreadSummary, TimelineItem };
export type Contact = ThreadSummary['contact'];
export type Cursor = z.infer<typeof PageCursor>;

export interface ItemRow {
  id: number;
  thread_id: number;
  kind: TimelineItem['kind'];
  meta_id: string | null;
  direction: TimelineItem['direction'];
  at: string;
  type: string;
  body: string | null;
  status: string | null;
  data: string;
}

export const toItem = (r: ItemRow): TimelineItem => ({
  id: Number(r.id),
  threadId: Number(r.thread_id),
  kind: r.kind,
  metaId: r.meta_id,
  direction: r.direction,
  at: r.at,
  type: r.type,
  body: r.body,
  status: r.status,
  data: JSON.parse(r.data) as Record<string, unknown>,
});
