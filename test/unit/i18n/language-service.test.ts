/** The language main speaks: preference in the config, system languages from the host, the locale `tr` uses. */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigStore } from '../../../main/account/config-store.ts';
import { confFactory } from '../../../main/account/conf-store.ts';
import { LanguageService, languagesFromEnv, type LanguageState } from '../../../main/i18n/language-service.ts';
import { mainLocale, setMainLocale } from '../../../main/i18n/tr.ts';

afterEach(() => setMainLocale('en'));

function service(system?: string[], followReported = false) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sb-lang-'));
  const config = new ConfigStore(dir, confFactory);
  return { dir, config, language: new LanguageService({ config, system, followReported }) };
}

describe('LanguageService', () => {
  it('follows the system by default, English when the host names no language', () => {
    expect(service().language.state()).toEqual({ preference: 'system', effective: 'en', system: [] });
    const { language } = service(['es-MX', 'en-US']);
    expect(language.state()).toEqual({ preference: 'system', effective: 'es', system: ['es-MX', 'en-US'] });
    expect(mainLocale()).toBe('es');
  });

  it('keeps the preference in the config, sets the locale tr uses, and tells listeners once per change', () => {
    const { dir, config, language } = service(['en-US']);
    const seen: LanguageState[] = [];
    language.onChange((s) => seen.push(s));
    expect(language.set('pt-BR')).toEqual({ preference: 'pt-BR', effective: 'pt-BR', system: ['en-US'] });
    expect(mainLocale()).toBe('pt-BR');
    language.set('pt-BR');
    expect(seen).toHaveLength(1);
    expect(config.get().preferences.language).toBe('pt-BR');
    // A restart reads it back.
    expect(new LanguageService({ config: new ConfigStore(dir, confFactory), system: ['en-US'] }).state().effective).toBe('pt-BR');
    language.set('system');
    expect(mainLocale()).toBe('en');
  });

  it("follows the browser's reported languages only where the host says so", () => {
    const desktop = service(['en-US']).language;
    expect(desktop.reportSystem(['pt-BR']).effective).toBe('en');
    const browser = service(['en-US'], true).language;
    const seen: LanguageState[] = [];
    browser.onChange((s) => seen.push(s));
    expect(browser.reportSystem(['es-419', 'es'])).toEqual({ preference: 'system', effective: 'es', system: ['es-419', 'es'] });
    expect(browser.reportSystem([]).effective).toBe('es');
    expect(seen).toHaveLength(1);
  });
});

describe('languagesFromEnv', () => {
  it('reads LANGUAGE, then LC_ALL, LC_MESSAGES or LANG; C and POSIX name no language', () => {
    expect(languagesFromEnv({ LANG: 'pt_BR.UTF-8' })).toEqual(['pt_BR.UTF-8']);
    expect(languagesFromEnv({ LANG: 'en_US.UTF-8', LC_ALL: 'es_MX.UTF-8' })).toEqual(['es_MX.UTF-8']);
    expect(languagesFromEnv({ LANGUAGE: 'pt_BR:pt', LANG: 'en_US.UTF-8' })).toEqual(['pt_BR', 'pt', 'en_US.UTF-8']);
    expect(languagesFromEnv({ LANG: 'C.UTF-8' })).toEqual([]);
    expect(languagesFromEnv({})).toEqual([]);
  });
});

describe("the browser host's --lang", () => {
  it('takes language tags separated by commas, and refuses anything else', async () => {
    const { parseWebHostArgs } = await import('../../../main/host/web-host.ts');
    expect(parseWebHostArgs(['--data-dir', '/tmp/x', '--lang', 'pt-BR,es']).lang).toEqual(['pt-BR', 'es']);
    expect(parseWebHostArgs(['--data-dir', '/tmp/x']).lang).toBeUndefined();
    expect(() => parseWebHostArgs(['--data-dir', '/tmp/x', '--lang', 'pt BR'])).toThrow(/--lang/);
  });
});
