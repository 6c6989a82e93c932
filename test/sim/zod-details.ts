/** Turns the first zod issue into a Graph-style `error_data.details` string. */
import type { z } from 'zod';

export function pathString(prefix: string, path: ReadonlyArray<PropertyKey>): string {
  let out = prefix;
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

export function zodDetails(error: z.ZodError, prefix = ''): string {
  const issue = error.issues[0];
  if (!issue) return 'Invalid parameter';
  if (issue.code === 'unrecognized_keys') {
    return `Unexpected key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')} in ${pathString(prefix, issue.path) || 'the request body'}`;
  }
  const where = pathString(prefix, issue.path) || 'request body';
  return `Param ${where}: ${issue.message}`;
}
