/**
 * The security checks suite under Vitest (CI runs it with every `npm test`; `npm run security`
 * runs it and the browser spec `test/browser/security.spec.ts`). One real run of the browser host
 * against the simulator (see security.ts for everything it tries); each area must hold entirely,
 * and the printed report says what was tried and what held.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { formatReport, runSecuritySuite, type Check, type SecurityReport } from './security.ts';

let report: SecurityReport;
const failures = (area: Check['area']): string[] =>
  report.checks.filter((c) => c.area === area && !c.held).map((c) => `${c.name}: ${c.detail}`);

beforeAll(async () => {
  report = await runSecuritySuite();
  console.log(formatReport(report));
}, 180_000);

describe('security checks (end to end, browser host + simulator)', () => {
  it('the webhook port answers only its two routes: ≥ 50 other requests get a plain 4xx with no banner, stack or CORS', () => {
    const webhook = report.checks.filter((c) => c.area === 'webhook');
    expect(webhook.length).toBeGreaterThanOrEqual(50);
    // The controls answered: the verification GET with the right token and the signed POSTs.
    expect(webhook.find((c) => c.name === 'GET verification with the right token')?.held).toBe(true);
    expect(webhook.find((c) => c.name === 'POST with a valid signature')?.held).toBe(true);
    expect(failures('webhook')).toEqual([]);
  });

  it('the bridge WebSocket refuses missing, wrong and foreign secrets, origins and hosts, and survives garbage frames', () => {
    const bridge = report.checks.filter((c) => c.area === 'bridge');
    expect(bridge.filter((c) => c.name.startsWith('upgrade')).length).toBeGreaterThanOrEqual(15);
    expect(bridge.filter((c) => c.name.startsWith('frame')).length).toBeGreaterThanOrEqual(10);
    expect(failures('bridge')).toEqual([]);
  });

  it('no secret (raw, URL-encoded, base64) is in the data dir, the log, the diagnostics bundle or a bridge frame', () => {
    // The scan looked at real things: a database, the config, the media cache, the log, frames.
    expect(report.scanned.files).toEqual(expect.arrayContaining(['config.json', 'switchboard.db']));
    expect(report.scanned.files.some((f) => f.startsWith('media'))).toBe(true);
    expect(report.scanned.files.some((f) => f.startsWith('switchboard.db-wal'))).toBe(true);
    expect(report.scanned.outputBytes).toBeGreaterThan(1000);
    expect(report.scanned.framesFromMain).toBeGreaterThan(30);
    expect(report.usage.join(' ')).toMatch(/[1-9]\d* Graph answers echoed the secrets back/);
    expect(failures('secrets')).toEqual([]);
  });

  // The run above keeps secrets in memory (--secrets memory). Keychain mode differs only in the
  // secrets service, which test/unit/account/secrets.test.ts and account-service.test.ts check
  // against a real Secret Service under their own service name (CI runs them in a throwaway
  // keyring): the secrets round-trip, and none appears in a data-dir file or a log line.
});
