/**
 * The bridge contract's slices (common/bridge/): every request and event is declared by exactly
 * one slice, and the merged contract (common/bridge-contract.ts) has them all, as the slices
 * declare them. A name in two slices would otherwise vanish quietly in the merge's spread.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { accountEvents, accountRequests } from '../../../common/bridge/account.ts';
import { appEvents, appRequests } from '../../../common/bridge/app.ts';
import { callerEvents, callerRequests } from '../../../common/bridge/callers.ts';
import { callEvents, callRequests } from '../../../common/bridge/calls.ts';
import { connectionEvents, connectionRequests } from '../../../common/bridge/connection.ts';
import { desktopEvents, desktopRequests } from '../../../common/bridge/desktop.ts';
import { recordingEvents, recordingRequests } from '../../../common/bridge/recordings.ts';
import { threadEvents, threadRequests } from '../../../common/bridge/threads.ts';
import { events, requests } from '../../../common/bridge-contract.ts';

type Slices = Record<string, Record<string, unknown>>;

const requestSlices: Slices = {
  app: appRequests,
  account: accountRequests,
  connection: connectionRequests,
  threads: threadRequests,
  calls: callRequests,
  desktop: desktopRequests,
  callers: callerRequests,
  recordings: recordingRequests,
};
const eventSlices: Slices = {
  app: appEvents,
  account: accountEvents,
  connection: connectionEvents,
  threads: threadEvents,
  calls: callEvents,
  desktop: desktopEvents,
  callers: callerEvents,
  recordings: recordingEvents,
};

/** What is wrong with merging these slices into `merged`: one line per problem, none when sound. */
function mergeProblems(slices: Slices, merged: Record<string, unknown>): string[] {
  const owners = new Map<string, string[]>();
  for (const [slice, entries] of Object.entries(slices)) {
    for (const name of Object.keys(entries)) owners.set(name, [...(owners.get(name) ?? []), slice]);
  }
  const problems: string[] = [];
  for (const [name, declaredBy] of owners) {
    if (declaredBy.length > 1) problems.push(`${name} is declared in ${declaredBy.join(' and ')}`);
    if (!Object.prototype.hasOwnProperty.call(merged, name))
      problems.push(`${name} (${declaredBy.join(', ')}) is missing from the merged contract`);
    else if (!declaredBy.some((slice) => slices[slice]![name] === merged[name]))
      problems.push(`${name} in the merged contract is not the one its slice declares`);
  }
  for (const name of Object.keys(merged)) if (!owners.has(name)) problems.push(`${name} is in the merged contract but in no slice`);
  return problems;
}

describe('bridge contract slices', () => {
  it('declares every request in exactly one slice, and the merged requests are exactly theirs', () => {
    expect(mergeProblems(requestSlices, requests)).toEqual([]);
    const declared = Object.values(requestSlices).reduce((n, s) => n + Object.keys(s).length, 0);
    expect(Object.keys(requests)).toHaveLength(declared);
  });

  it('declares every event in exactly one slice, and the merged events are exactly theirs', () => {
    expect(mergeProblems(eventSlices, events)).toEqual([]);
    const declared = Object.values(eventSlices).reduce((n, s) => n + Object.keys(s).length, 0);
    expect(Object.keys(events)).toHaveLength(declared);
  });

  it('notices a name two slices declare, one missing from the merge, and one no slice declares', () => {
    const a = { ping: { v: 1 }, shared: { v: 1 } };
    const b = { shared: { v: 2 } };
    // The spread keeps b's `shared` and drops a's without a word: the check must say so.
    expect(mergeProblems({ a, b }, { ...a, ...b })).toEqual(['shared is declared in a and b']);
    expect(mergeProblems({ a }, { shared: a.shared })).toEqual(['ping (a) is missing from the merged contract']);
    expect(mergeProblems({ a }, { ...a, stray: {} })).toEqual(['stray is in the merged contract but in no slice']);
    expect(mergeProblems({ a }, { ...a, ping: { v: 1 } })).toEqual(['ping in the merged contract is not the one its slice declares']);
  });

  it('says on every request which error codes it can fail with', () => {
    const files: Record<string, string> = {
      app: 'app',
      account: 'account',
      connection: 'connection',
      threads: 'threads',
      calls: 'calls',
      desktop: 'desktop',
      callers: 'callers',
    };
    const undocumented: string[] = [];
    for (const [slice, file] of Object.entries(files)) {
      const source = readFileSync(new URL(`../../../common/bridge/${file}.ts`, import.meta.url), 'utf8');
      const start = source.search(/export const \w+Requests = \{/);
      const body = source.slice(start, source.indexOf('} as const;', start));
      // Each request: its doc comment, then `  name: {` at the object's top level.
      const documented = new Set<string>();
      for (const m of body.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*\n {2}'?([\w.]+)'?: \{/g))
        if (/Errors: /.test(m[1]!)) documented.add(m[2]!);
      for (const name of Object.keys(requestSlices[slice]!)) if (!documented.has(name)) undocumented.push(`${slice}.${name}`);
    }
    expect(undocumented).toEqual([]);
  });
});
