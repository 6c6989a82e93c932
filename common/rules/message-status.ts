/**
 * A sent message's status, in the only order it may move: sending < sent < delivered < failed <
 * read < played. A status never replaces one of a higher rank (webhooks repeat and reorder).
 * `failed` sits below `read`: WhatsApp can report a failure and then that the message was read,
 * and read wins.
 */
export const MESSAGE_STATUS_RANK: Readonly<Record<string, number>> = Object.freeze({
  sending: 0,
  sent: 1,
  delivered: 2,
  failed: 3,
  read: 4,
  played: 5,
});

/** The rank of a message status, or null for a status Switchboard does not know. */
export function messageStatusRank(status: string | null | undefined): number | null {
  return status != null && Object.hasOwn(MESSAGE_STATUS_RANK, status) ? MESSAGE_STATUS_RANK[status]! : null;
}
