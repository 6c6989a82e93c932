/**
 * Main's catalog, Spanish (neutral Latin American). Voice: "tú" (as WhatsApp itself speaks to Latin American users); a call is a "llamada" (verb "llamar").
 * Exactly en.ts's keys, with every `{param}` of en's text.
 */
import type { MessageKey } from './en.ts';

export const es: Record<MessageKey, string> = {
  'language.system': 'Idioma del sistema',
};
