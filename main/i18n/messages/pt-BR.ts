/**
 * Main's catalog, Portuguese (Brazil). Voice: "você"; a call is a "ligação" (the verb: "ligar").
 * Exactly en.ts's keys, with every `{param}` of en's text.
 */
import type { MessageKey } from './en.ts';

export const ptBR: Record<MessageKey, string> = {
  'language.system': 'Idioma do sistema',
};
