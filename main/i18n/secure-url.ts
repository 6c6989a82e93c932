/**
 * common/rules/secure-url.ts's rule in the owner's language: why secrets must not go to this
 * address, or null. `field` names the address the way the rule's English constants do.
 */
import { GRAPH_SERVER_URL, secureUrlIssue, TUNNEL_SERVER_URL } from '../../common/rules/secure-url.ts';
import { tr, type MessageKey } from './tr.ts';

const FIELDS: Record<string, MessageKey> = {
  [GRAPH_SERVER_URL]: 'url.field.graph',
  [TUNNEL_SERVER_URL]: 'url.field.tunnel',
  media: 'url.field.media',
};

const ISSUES = { not_url: 'url.notUrl', scheme: 'url.scheme', http_remote: 'url.httpRemote', credentials: 'url.credentials' } as const;

export function secureUrlProblemText(
  value: string | URL,
  field: typeof GRAPH_SERVER_URL | typeof TUNNEL_SERVER_URL | 'media',
): string | null {
  const issue = secureUrlIssue(value);
  if (!issue) return null;
  const what = tr(FIELDS[field]!);
  return tr(ISSUES[issue], { what, What: what.charAt(0).toUpperCase() + what.slice(1) });
}
