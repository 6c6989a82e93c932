import './zod-config.ts';
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { createAppI18n, rememberedLocale } from './i18n/index.ts';
import { useLanguageStore } from './stores/language.store.ts';
import './styles/base.css';

// The window opens in the language it last showed; main's answer (getLanguage) follows at once.
const pinia = createPinia();
createApp(App).use(pinia).use(createAppI18n(rememberedLocale())).mount('#app');
void useLanguageStore(pinia).start();
