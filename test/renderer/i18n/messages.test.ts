import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAppI18n } from '../../../renderer/src/i18n/index.ts';
import en from '../../../renderer/src/i18n/en.ts';

function leafKeys(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : leafKeys(v as object, `${prefix}${k}.`)));
}

afterEach(() => vi.restoreAllMocks());

describe('English messages', () => {
  it('every message compiles and renders without warnings (no stray { } @ $ | syntax)', () => {
    const warn = vi.spyOn(console, 'warn');
    const error = vi.spyOn(console, 'error');
    const { t } = createAppI18n().global;
    const params = { version: '0.1.0', query: 'anna', time: 'Nov 25, 10:00', command: 'npm run web' };
    const keys = leafKeys(en);
    expect(keys.length).toBeGreaterThan(50);
    for (const key of keys) {
      const out = t(key, params);
      expect(out, key).not.toBe(key);
      expect(out, key).not.toMatch(/[{}]/);
    }
    expect(warn).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
  });

  it('interpolates', () => {
    const { t } = createAppI18n().global;
    expect(t('app.nameAndVersion', { version: '1.2.3' })).toBe('Switchboard 1.2.3');
  });
});
