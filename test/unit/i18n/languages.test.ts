/**
 * Switchboard speaks the owner's language (issue 21), end to end through main's services and the
 * simulator: with the language set to pt-BR (setLanguage), a Graph error during connect, the
 * call-permission banner of a customer who gave no permission, and a message notification come
 * out in Portuguese; switching to es changes them at once, without a restart. The default stays
 * English (no system languages in tests), so the rest of the suite's English texts hold.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EventName, LanguageState } from '../../../common/bridge-contract.ts';
import { incomingCallNotification, MessageNotifier } from '../../../main/desktop/message-notifications.ts';
import { TRAY_TOOLTIP } from '../../../main/desktop/tray-state.ts';
import { customerWrites, defaultSeed, startSimApp, until, type SimApp } from '../../support/sim-app.ts';

let app: SimApp | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

const ana = defaultSeed.users[0]!;

async function ok<T>(a: SimApp, name: string, params: unknown): Promise<T> {
  const res = await a.services.dispatch(name as never, params as never);
  if (!res.ok) throw new Error(`${name}: ${res.error.code} ${res.error.message}`);
  return res.result as T;
}

async function refused(a: SimApp, name: string, params: unknown): Promise<{ code: string; message: string }> {
  const res = await a.services.dispatch(name as never, params as never);
  if (res.ok) throw new Error(`${name} succeeded`);
  return res.error;
}

async function fault(a: SimApp, rule: unknown): Promise<void> {
  const res = await fetch(`${a.creds.controlUrl}/graph-faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rules: [rule] }),
  });
  expect(res.status).toBe(200);
}

/** Connects again while WhatsApp refuses to read the calling settings (error 200): the settings step's words. */
async function connectWithSettingsRefused(a: SimApp): Promise<{ message: string; fix: string | null }> {
  await fault(a, { match: { method: 'GET', path: '/settings' }, fault: { error: 200 }, count: 1 });
  const c = a.creds;
  const res = await ok<{ steps: Array<{ id: string; state: string; message: string; fix: string | null }> }>(a, 'connectAccount', {
    graphBaseUrl: c.graphBaseUrl,
    apiVersion: c.apiVersion,
    accessToken: c.accessToken,
    appSecret: c.appSecret,
    appId: c.appId,
    wabaId: c.wabaId,
    phoneNumberId: c.phoneNumberId,
  });
  const step = res.steps.find((s) => s.id === 'settings')!;
  expect(step.state).toBe('failed');
  return step;
}

/** What the owner's computer would show for two new messages from Ana while the window is in the background. */
function messageNotification(a: SimApp, threadId: number): { title: string; body: string } {
  const fresh = a.services.threads.inboundMessagesAfter(0, 50).filter((m) => m.threadId === threadId);
  const [n] = new MessageNotifier().decide(fresh, {
    window: { visible: false, focused: false },
    dnd: false,
    now: Date.now(),
    nameOf: () => ana.name,
    platform: 'darwin',
  });
  return n!;
}

describe('languages', { timeout: 30_000 }, () => {
  it('speaks English by default, follows setLanguage to pt-BR and es without a restart, and says so with the language event', async () => {
    app = await startSimApp({ timeFactor: 50 });
    const a = app;
    const seen: LanguageState[] = [];
    a.services.events.subscribe((event: EventName, payload) => {
      if (event === 'language') seen.push(payload as LanguageState);
    });
    await customerWrites(a, ana.wa_id!, 'Olá!');
    await customerWrites(a, ana.wa_id!, 'Vocês abrem amanhã?');
    const thread = await until('thread', () => a.services.threads.listThreads().find((t) => t.unreadCount >= 2));

    // English, as every other test expects.
    expect(await ok(a, 'getLanguage', {})).toEqual({ preference: 'system', effective: 'en', system: [] });
    expect((await connectWithSettingsRefused(a)).message).toBe(
      'The calling settings could not be read: The access token does not have permission for this.',
    );
    expect((await ok<{ callBlockedReason: string }>(a, 'getCallPermission', { threadId: thread.id })).callBlockedReason).toBe(
      'This customer has not given permission to be called. Ask them first.',
    );
    expect(messageNotification(a, thread.id).body).toBe('2 new messages · Vocês abrem amanhã?');

    // Portuguese (Brazil).
    expect(await ok(a, 'setLanguage', { preference: 'pt-BR' })).toEqual({ preference: 'pt-BR', effective: 'pt-BR', system: [] });
    expect(a.services.config.get().preferences.language).toBe('pt-BR');
    expect(await connectWithSettingsRefused(a)).toEqual(
      expect.objectContaining({
        message: 'Não foi possível ler as configurações de ligação: O token de acesso não tem permissão para isso.',
        fix: 'Dê ao token a permissão whatsapp_business_management.',
      }),
    );
    const ptBanner = await ok<{ canCall: boolean; callBlockedReason: string }>(a, 'getCallPermission', { threadId: thread.id });
    expect(ptBanner).toMatchObject({
      canCall: false,
      callBlockedReason: 'Este cliente não deu permissão para receber ligações. Peça primeiro.',
    });
    expect(messageNotification(a, thread.id)).toMatchObject({ title: ana.name, body: '2 novas mensagens · Vocês abrem amanhã?' });
    expect(incomingCallNotification(ana.name, 'darwin')).toEqual({
      title: 'Ligação do WhatsApp recebida',
      body: `${ana.name} está ligando.`,
      actions: ['Atender', 'Recusar'],
    });
    expect(TRAY_TOOLTIP.ready).toBe('Switchboard — pronto para ligações');
    // A refusal through the bridge (a DomainError) is in Portuguese too.
    expect((await refused(a, 'sendTextMessage', { threadId: thread.id, text: '   ' })).message).toBe('Digite uma mensagem primeiro.');

    // Spanish, at once.
    expect((await ok<LanguageState>(a, 'setLanguage', { preference: 'es' })).effective).toBe('es');
    expect((await connectWithSettingsRefused(a)).message).toBe(
      'No se pudo leer la configuración de llamadas: El token de acceso no tiene permiso para esto.',
    );
    expect((await ok<{ callBlockedReason: string }>(a, 'getCallPermission', { threadId: thread.id })).callBlockedReason).toBe(
      'Este cliente no dio permiso para que lo llamen. Pídeselo primero.',
    );
    expect(messageNotification(a, thread.id).body).toBe('2 mensajes nuevos · Vocês abrem amanhã?');
    expect(TRAY_TOOLTIP.ready).toBe('Switchboard — listo para llamadas');

    expect(seen.map((s) => s.effective)).toEqual(['pt-BR', 'es']);
  });

  it("follows the browser's languages under 'system' (the browser host), until the owner picks one", async () => {
    app = await startSimApp({ timeFactor: 50 }); // a browser host, as in `npm run web`, with no --lang and no LANG
    const a = app;
    const report = await ok<LanguageState>(a, 'reportSystemLanguages', { languages: ['pt-PT', 'en-US'] });
    expect(report).toEqual({ preference: 'system', effective: 'pt-BR', system: ['pt-PT', 'en-US'] });
    expect((await refused(a, 'sendTextMessage', { threadId: 999, text: 'x' })).message).toBe('Essa conversa não existe mais.');
    expect((await ok<LanguageState>(a, 'setLanguage', { preference: 'en' })).effective).toBe('en');
    expect((await ok<LanguageState>(a, 'setLanguage', { preference: 'system' })).effective).toBe('pt-BR');
    expect((await refused(a, 'setLanguage', { preference: 'fr' })).code).toBe('invalid_params');
  });
});
