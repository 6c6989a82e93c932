/**
 * Seed files: the business, its calling settings, webhook subscription, restrictions, users and
 * templates the simulator starts with. Every key is optional; missing ids and secrets are random.
 * Format documented in README.md ("Seed format").
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Business, SimConfig } from './context.ts';
import { randomDigits } from './context.ts';
import { callingPatchSchema } from './settings.ts';
import { zodDetails } from './zod-details.ts';

const userSchema = z.strictObject({
  wa_id: z.string().optional(),
  user_id: z.string().optional(),
  parent_user_id: z.string().optional(),
  name: z.string().optional(),
  username: z.string().optional(),
  country: z.string().optional(),
  app_version: z.string().optional(),
  platform: z.enum(['android', 'ios']).optional(),
});

const templateSchema = z.strictObject({
  id: z.string().optional(),
  name: z.string().min(1),
  language: z.string().min(1),
  category: z.enum(['MARKETING', 'UTILITY', 'AUTHENTICATION']),
  status: z.enum(['APPROVED', 'PENDING', 'REJECTED', 'PAUSED']).optional(),
  components: z.array(z.record(z.string(), z.unknown())),
});

const otherNumberSchema = z.strictObject({
  id: z.string().regex(/^\d+$/),
  displayPhoneNumber: z.string().regex(/^\d{6,15}$/),
  verifiedName: z.string().optional(),
  qualityRating: z.enum(['GREEN', 'YELLOW', 'RED', 'NA', 'UNKNOWN']).optional(),
  platformType: z.enum(['CLOUD_API', 'ON_PREMISE', 'NOT_APPLICABLE']).optional(),
  codeVerificationStatus: z.enum(['VERIFIED', 'NOT_VERIFIED', 'EXPIRED']).optional(),
});

/** The access token's permissions when the seed names none: what a working system user token has. */
export const DEFAULT_TOKEN_SCOPES = ['whatsapp_business_management', 'whatsapp_business_messaging'];

export const seedSchema = z.strictObject({
  business: z
    .strictObject({
      appId: z.string().regex(/^\d+$/).optional(),
      appName: z.string().optional(),
      appSecret: z.string().min(8).optional(),
      accessToken: z.string().min(8).optional(),
      wabaId: z.string().regex(/^\d+$/).optional(),
      wabaName: z.string().optional(),
      phoneNumberId: z.string().regex(/^\d+$/).optional(),
      displayPhoneNumber: z
        .string()
        .regex(/^\d{6,15}$/)
        .optional(),
      verifiedName: z.string().optional(),
      country: z
        .string()
        .regex(/^[A-Z]{2}$/)
        .optional(),
      qualityRating: z.enum(['GREEN', 'YELLOW', 'RED', 'NA', 'UNKNOWN']).optional(),
      messagingLimit: z.number().int().nonnegative().optional(),
      sandbox: z.boolean().optional(),
      /** The permissions `debug_token` lists for the access token (default: both WhatsApp ones). */
      tokenScopes: z.array(z.string()).optional(),
      /** More numbers on the same WABA (listed, readable, not usable). */
      otherPhoneNumbers: z.array(otherNumberSchema).optional(),
    })
    .optional(),
  calling: callingPatchSchema.optional(),
  restrictions: z.array(z.strictObject({ type: z.string(), reason: z.string(), expiration: z.number().int().optional() })).optional(),
  enableCallingError: z.union([z.literal(138015), z.literal(138018)]).optional(),
  webhooks: z
    .strictObject({
      appCallbackUrl: z.string().url().optional(),
      verifyToken: z.string().optional(),
      fields: z.array(z.string()).optional(),
      wabaSubscribed: z.boolean().optional(),
      phoneOverrideUrl: z.string().url().optional(),
      phoneOverrideVerifyToken: z.string().optional(),
    })
    .optional(),
  users: z.array(userSchema).optional(),
  templates: z.array(templateSchema).optional(),
  config: z
    .strictObject({
      acceptWindowMs: z.number().int().positive().optional(),
      bicRingTimeoutMs: z.number().int().positive().optional(),
      enforceMedia: z.boolean().optional(),
      mediaStartTimeoutMs: z.number().int().positive().optional(),
      mediaMidCallTimeoutMs: z.number().int().positive().optional(),
      messageStatuses: z
        .strictObject({
          enabled: z.boolean(),
          sentAfterMs: z.number().int().nonnegative(),
          deliveredAfterMs: z.number().int().nonnegative().nullable(),
          readAfterMs: z.number().int().nonnegative().nullable(),
        })
        .optional(),
      sdpLineEndings: z.enum(['crlf', 'tolerant']).optional(),
      bicUnavailableCountries: z.array(z.string()).optional(),
      mediaUrlTtlMs: z.number().int().positive().optional(),
      customerServiceWindowMs: z.number().int().positive().optional(),
      temporaryPermissionMs: z.number().int().positive().optional(),
      callPermissionsPerSecond: z.number().int().positive().optional(),
      maxConcurrentCalls: z.number().int().positive().optional(),
      maxConnectsPerDay: z.number().int().positive().optional(),
      windowEnforcement: z.enum(['sync', 'webhook']).optional(),
      lowPickup: z
        .strictObject({ warnAfter: z.number().int().positive(), restrictAfter: z.number().int().positive() })
        .nullable()
        .optional(),
    })
    .optional(),
});

export type Seed = z.infer<typeof seedSchema>;
export type SeedConfig = NonNullable<Seed['config']>;

export function parseSeed(input: unknown): Seed {
  const r = seedSchema.safeParse(input);
  if (!r.success) throw new Error(`invalid seed: ${zodDetails(r.error)}`);
  return r.data;
}

export function loadSeedFile(path: string): Seed {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read seed ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseSeed(json);
}

export function businessFromSeed(seed: Seed): Business {
  const b = seed.business ?? {};
  return {
    appId: b.appId ?? randomDigits(15),
    appName: b.appName ?? 'Switchboard (simulated)',
    appSecret: b.appSecret ?? randomBytes(16).toString('hex'),
    accessToken: b.accessToken ?? `EAAsim${randomBytes(24).toString('base64url')}`,
    wabaId: b.wabaId ?? randomDigits(15),
    wabaName: b.wabaName ?? 'Simulated WABA',
    phoneNumberId: b.phoneNumberId ?? randomDigits(15),
    displayPhoneNumber: b.displayPhoneNumber ?? '5511955550100',
    verifiedName: b.verifiedName ?? 'Simulated Business',
    country: b.country ?? 'BR',
    qualityRating: b.qualityRating ?? 'GREEN',
    messagingLimit: b.messagingLimit ?? 10_000,
    sandbox: b.sandbox ?? false,
    otherNumbers: (b.otherPhoneNumbers ?? []).map((n) => ({
      id: n.id,
      displayPhoneNumber: n.displayPhoneNumber,
      verifiedName: n.verifiedName ?? b.verifiedName ?? 'Simulated Business',
      qualityRating: n.qualityRating ?? 'NA',
      platformType: n.platformType ?? 'CLOUD_API',
      codeVerificationStatus: n.codeVerificationStatus ?? 'VERIFIED',
    })),
  };
}

export function configPatchFromSeed(seed: Seed): Partial<SimConfig> {
  const { windowEnforcement: _w, ...rest } = seed.config ?? {};
  return rest;
}

/** Templates every seed has unless it lists its own. */
export function defaultTemplates(): Array<z.infer<typeof templateSchema>> {
  return [
    {
      name: 'sample_cpr_template',
      language: 'en',
      category: 'MARKETING',
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'Support of Order No: {{1}}' },
        { type: 'BODY', text: 'We would like to call you about {{1}} regarding {{2}}.' },
        { type: 'FOOTER', text: 'Talk to you soon!' },
        { type: 'call_permission_request' },
      ],
    },
    {
      name: 'wa_voice_call',
      language: 'en',
      category: 'UTILITY',
      components: [
        { type: 'BODY', text: 'You can call us on WhatsApp now for faster service!' },
        { type: 'BUTTONS', buttons: [{ type: 'voice_call', text: 'Call Now', ttl_minutes: 1440 }] },
      ],
    },
    {
      // A follow-up after a missed call (Switchboard's missed-call reply outside the 24-hour window).
      name: 'missed_call_followup',
      language: 'en',
      category: 'UTILITY',
      components: [
        { type: 'BODY', text: 'Hi {{1}}, sorry we missed your call. We are open again {{2}}.' },
        { type: 'BUTTONS', buttons: [{ type: 'voice_call', text: 'Call us', ttl_minutes: 1440 }] },
      ],
    },
    {
      name: 'hello_world',
      language: 'en_US',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Hello from the simulated business!' }],
    },
  ];
}
