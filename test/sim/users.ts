/**
 * Simulated WhatsApp users. Every user has a BSUID (`user_id`); the phone number (`wa_id`) is
 * optional — a user without one is "BSUID-only" (adopted a username) and webhooks about them carry
 * no `wa_id`/`from`/`to`/`recipient_id` (calling-api.md "Cross-cutting facts").
 */
import { randomInt } from 'node:crypto';

export interface SimUser {
  /** Phone number, digits only, with country code; absent for BSUID-only users. */
  waId: string | undefined;
  /** Business-scoped user id, e.g. `BR.13491208655302741918`. */
  userId: string;
  parentUserId: string | undefined;
  name: string;
  username: string | undefined;
  /** ISO 3166 alpha-2 country of the user's phone number. */
  country: string;
  appVersion: string;
  /** Phone platform; Meta supports Android and iOS clients for calls. */
  platform: 'android' | 'ios';
  /** Customer-service window end (sim ms), refreshed by the user's messages and calls. */
  windowUntil: number;
}

export interface UserInput {
  wa_id?: string | undefined;
  user_id?: string | undefined;
  parent_user_id?: string | undefined;
  name?: string | undefined;
  username?: string | undefined;
  country?: string | undefined;
  app_version?: string | undefined;
  platform?: 'android' | 'ios' | undefined;
}

export function normalizePhone(input: string): string {
  return input.replace(/[\s\-().+]/g, '');
}

export function makeBsuid(country: string): string {
  let digits = String(randomInt(1, 10));
  for (let i = 0; i < 19; i++) digits += String(randomInt(0, 10));
  return `${country.toUpperCase()}.${digits}`;
}

export class UserStore {
  private readonly users: SimUser[] = [];

  create(input: UserInput): SimUser {
    const waId = input.wa_id ? normalizePhone(input.wa_id) : undefined;
    if (waId !== undefined && !/^\d{6,15}$/.test(waId)) throw new Error(`wa_id "${input.wa_id}" is not a phone number`);
    if (!waId && !input.user_id) throw new Error('a user needs wa_id and/or user_id');
    const country = (input.country ?? input.user_id?.split('.')[0] ?? 'BR').toUpperCase();
    if (!/^[A-Z]{2}$/.test(country)) throw new Error(`country "${country}" is not an ISO 3166 alpha-2 code`);
    const userId = input.user_id ?? makeBsuid(country);
    if (!/^[A-Z]{2}\.(ENT\.)?\d+$/.test(userId)) throw new Error(`user_id "${userId}" is not a BSUID like BR.1234…`);
    if (waId && this.byWaId(waId)) throw new Error(`a user with wa_id ${waId} already exists`);
    if (this.byUserId(userId)) throw new Error(`a user with user_id ${userId} already exists`);
    const user: SimUser = {
      waId,
      userId,
      parentUserId: input.parent_user_id,
      name: input.name ?? 'WhatsApp User',
      username: input.username,
      country,
      appVersion: input.app_version ?? '2.26.10.72',
      platform: input.platform ?? 'android',
      windowUntil: 0,
    };
    this.users.push(user);
    return user;
  }

  all(): readonly SimUser[] {
    return this.users;
  }

  byWaId(waId: string): SimUser | undefined {
    return this.users.find((u) => u.waId === waId);
  }

  byUserId(userId: string): SimUser | undefined {
    return this.users.find((u) => u.userId === userId);
  }

  /** Finds a user by wa_id (with or without +) or BSUID. */
  find(key: string): SimUser | undefined {
    return this.byUserId(key) ?? this.byWaId(normalizePhone(key));
  }
}

/** The `contacts[]` entry webhooks carry for a user. */
export function contactOf(u: SimUser): Record<string, unknown> {
  const profile: Record<string, unknown> = { name: u.name };
  if (u.username) profile['username'] = u.username;
  const c: Record<string, unknown> = { profile };
  if (u.waId) c['wa_id'] = u.waId;
  c['user_id'] = u.userId;
  if (u.parentUserId) c['parent_user_id'] = u.parentUserId;
  return c;
}

/** True when `version` (e.g. "2.25.27.1") is at least `min`. */
export function versionAtLeast(version: string, min: string): boolean {
  const a = version.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const b = min.split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}
