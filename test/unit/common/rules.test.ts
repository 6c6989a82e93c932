import { describe, expect, it } from 'vitest';
import { isEngagedCall, isLiveCall } from '../../../common/rules/call-state.ts';
import { customerDisplayName, customerInitials, customerName } from '../../../common/rules/customer.ts';
import { formatCallDuration } from '../../../common/rules/duration.ts';
import { MESSAGE_STATUS_RANK, messageStatusRank } from '../../../common/rules/message-status.ts';

describe('call states', () => {
  it('engaged: the owner is on the call or placing it', () => {
    for (const s of ['answering', 'active', 'preparing', 'dialing', 'remote_ringing']) expect(isEngagedCall(s), s).toBe(true);
    for (const s of ['ringing', 'ending', 'ended', 'bogus']) expect(isEngagedCall(s), s).toBe(false);
  });
  it('live: ringing or engaged, never ending or ended', () => {
    for (const s of ['ringing', 'answering', 'active', 'preparing', 'dialing', 'remote_ringing']) expect(isLiveCall(s), s).toBe(true);
    for (const s of ['ending', 'ended', '']) expect(isLiveCall(s), s).toBe(false);
  });
});

describe('customer names', () => {
  const none = { waId: null, userId: null, profileName: null, username: null, ownerName: null };
  it('prefers the owner’s name, then the profile name, skipping blank ones', () => {
    expect(customerDisplayName({ ...none, ownerName: 'Dona Ana', profileName: 'Ana S', waId: '5511987650001' })).toBe('Dona Ana');
    expect(customerDisplayName({ ...none, ownerName: '  ', profileName: ' Ana S ', waId: '5511987650001' })).toBe('Ana S');
    expect(customerName({ ...none, ownerName: ' ', profileName: '' })).toBeNull();
  });
  it('falls back to the number (formatted by the caller), then @username, then the BSUID', () => {
    expect(customerDisplayName({ ...none, waId: '5511987650001', username: 'ana' })).toBe('+5511987650001');
    expect(customerDisplayName({ ...none, waId: '5511987650001' }, (w) => `tel ${w}`)).toBe('tel 5511987650001');
    expect(customerDisplayName({ ...none, username: 'ana', userId: 'US.123' })).toBe('@ana');
    expect(customerDisplayName({ ...none, userId: 'US.123' })).toBe('US.123');
    expect(customerDisplayName(none)).toBeNull();
  });
  it('initials: first and last word with letters; else the number’s last two digits; else #', () => {
    expect(customerInitials({ ...none, profileName: 'ana maria souza' })).toBe('AS');
    expect(customerInitials({ ...none, ownerName: 'Zé', profileName: 'Ana Souza' })).toBe('Z');
    expect(customerInitials({ ...none, profileName: '(Ana) 123 Souza' })).toBe('AS');
    expect(customerInitials({ ...none, username: 'bob' })).toBe('B');
    expect(customerInitials({ ...none, profileName: '123', waId: '5511987650001' })).toBe('01');
    expect(customerInitials(none)).toBe('#');
  });
});

describe('call durations', () => {
  it('m:ss, hours when there are any, rounded down', () => {
    expect(formatCallDuration(0)).toBe('0:00');
    expect(formatCallDuration(75)).toBe('1:15');
    expect(formatCallDuration(59.9)).toBe('0:59');
    expect(formatCallDuration(272)).toBe('4:32');
    expect(formatCallDuration(3725)).toBe('1:02:05');
    expect(formatCallDuration(-5)).toBe('0:00');
    expect(formatCallDuration(Number.NaN)).toBe('0:00');
  });
});

describe('message status ranks', () => {
  it('orders sending < sent < delivered < failed < read < played', () => {
    const order = ['sending', 'sent', 'delivered', 'failed', 'read', 'played'];
    const ranks = order.map((s) => messageStatusRank(s)!);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(new Set(ranks).size).toBe(order.length);
    expect(Object.keys(MESSAGE_STATUS_RANK).sort()).toEqual([...order].sort());
  });
  it('does not know other statuses', () => {
    expect(messageStatusRank('deleted')).toBeNull();
    expect(messageStatusRank('toString')).toBeNull();
    expect(messageStatusRank(null)).toBeNull();
  });
});
