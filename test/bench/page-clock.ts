/**
 * Page-side timing for the browser benchmarks, injected before the app loads with
 * `page.addInitScript({ content: PAGE_CLOCK })`. Plain JS in a string: test/bench is type-checked
 * without the DOM library. Times are wall-clock ms with sub-ms resolution
 * (`performance.timeOrigin + performance.now()`), comparable with the same expression in Node.
 *
 *  - `window.__clicks[testid]`: when the last click on an element with that data-testid (or inside
 *    it) was dispatched (capture phase, before the app's handlers run);
 *  - `window.__appear(selector, timeoutMs)`: resolves `{ dom, painted }` when an element matching
 *    the selector is in the DOM (MutationObserver) and after the next animation frame, or null.
 * Also the Node-side helpers both browser benchmarks share: the same clock, percentiles, and a
 * line describing the machine and its load.
 */
import { cpus, loadavg } from 'node:os';

export const PAGE_CLOCK = `(() => {
  const t = () => performance.timeOrigin + performance.now();
  window.__now = t;
  window.__clicks = {};
  document.addEventListener('click', (e) => {
    const el = e.target && e.target.closest ? e.target.closest('[data-testid]') : null;
    if (el) window.__clicks[el.dataset.testid] = t();
  }, true);
  window.__appear = (sel, timeoutMs) => new Promise((resolve) => {
    let timer = 0;
    const obs = new MutationObserver(() => { if (document.querySelector(sel)) done(t()); });
    const done = (dom) => {
      obs.disconnect();
      clearTimeout(timer);
      requestAnimationFrame(() => resolve({ dom, painted: t() }));
    };
    timer = setTimeout(() => { obs.disconnect(); resolve(null); }, timeoutMs);
    if (document.querySelector(sel)) done(t());
    else obs.observe(document.documentElement, { childList: true, subtree: true, attributes: true });
  });
})();`;

/** One line about the machine, printed with the results: other work on it skews the numbers. */
export function machineLine(): string {
  const [one, five] = loadavg();
  return `machine: ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}), load average ${one!.toFixed(2)} (1 min) ${five!.toFixed(2)} (5 min)`;
}

/** Wall-clock ms with sub-ms resolution, comparable with the page's `window.__now()`. */
export const wallNow = (): number => performance.timeOrigin + performance.now();

export interface Stat {
  n: number;
  p50: number;
  p95: number;
}

/** Nearest-rank percentiles. */
export function stat(xs: number[]): Stat {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.max(0, Math.ceil(p * s.length) - 1)] ?? NaN;
  return { n: s.length, p50: q(0.5), p95: q(0.95) };
}
