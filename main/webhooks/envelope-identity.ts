/**
 * Identity in a webhook: which customer an item is about. A customer is their BSUID first, then a
 * non-empty phone number that is not the business's own (`metadata.display_phone_number`). An
 * empty string is no number: Meta's earlier username shape sent `from: ""` / `wa_id: ""`, its
 * current one leaves the number out. Names and usernames come from the change's `contacts`.
 */
import { z } from 'zod';

const optStr = z.string().optional();

export const Contact = z.looseObject({
  wa_id: optStr,
  user_id: optStr,
  parent_user_id: optStr,
  profile: z.looseObject({ name: optStr, username: optStr }).optional(),
});

export interface ContactRef {
  waId: string | null;
  userId: string | null;
  parentUserId: string | null;
  profileName: string | null;
  username: string | null;
}

/** A usable id: a non-empty string (Meta's earlier username shape sent `""` for a missing number). */
export function present(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

const digitsOf = (v: string): string => v.replace(/\D/g, '');

/** A phone number that is the customer's: present and not the business's own. */
export function customerNumber(v: unknown, business: string | null): string | null {
  const n = present(v);
  if (!n) return null;
  if (business && digitsOf(business) !== '' && digitsOf(n) === digitsOf(business)) return null;
  return n;
}

/** A profile name that is only the phone number's digits says nothing: show the number instead. */
function realName(name: unknown): string | null {
  const n = present(name);
  return n && !/^\+?[\d\s().-]+$/.test(n) ? n : null;
}

export function contactFor(
  contacts: Array<z.infer<typeof Contact>>,
  ids: { waId?: unknown; userId?: unknown; parentUserId?: unknown },
  business: string | null,
): ContactRef {
  const userId = present(ids.userId);
  const waId = customerNumber(ids.waId, business);
  const c =
    contacts.find((x) => (userId && present(x.user_id) === userId) || (waId && customerNumber(x.wa_id, business) === waId)) ??
    // One contact in the change: it is this item's customer unless it names someone else.
    (contacts.length === 1 && !(userId && present(contacts[0]!.user_id) && present(contacts[0]!.user_id) !== userId)
      ? contacts[0]
      : undefined);
  return {
    waId: waId ?? customerNumber(c?.wa_id, business),
    userId: userId ?? present(c?.user_id),
    parentUserId: present(ids.parentUserId) ?? present(c?.parent_user_id),
    profileName: realName(c?.profile?.name),
    username: present(c?.profile?.username),
  };
}
