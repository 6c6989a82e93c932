/**
 * The accessibility sweep's audit: axe-core (WCAG 2.0 / 2.1, levels A and AA) over the page as it
 * stands, once in the light theme and once in the dark one (the app follows the OS colour scheme,
 * emulated here), with every violation kept and written out so a failure reads on its own:
 * screen, theme, rule, impact, the elements' selectors and, for contrast, the colours and ratio.
 * One check of our own rides along: `aria-controls` must point at an element that exists.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import type { NodeResult, Result } from 'axe-core';

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
export const THEMES = ['light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

export interface Finding {
  screen: string;
  theme: Theme | 'both';
  rule: string;
  impact: string;
  help: string;
  nodes: string[];
}

/** Waits for colour transitions (at most 140 ms in the app) to finish after a theme switch. */
async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.waitForTimeout(250);
}

function describeNode(node: NodeResult): string {
  const where = node.target.map((t) => (Array.isArray(t) ? t.join(' >> ') : String(t))).join(' | ');
  const contrast = [...node.any, ...node.all, ...node.none].find((c) => c.data && typeof c.data === 'object' && 'contrastRatio' in c.data);
  if (contrast) {
    const d = contrast.data as { fgColor: string; bgColor: string; contrastRatio: number; expectedContrastRatio: string; fontSize: string };
    return `${where}: ${d.contrastRatio}:1 (needs ${d.expectedContrastRatio}), ${d.fgColor} on ${d.bgColor}, ${d.fontSize}`;
  }
  const html = node.html.replace(/\s+/g, ' ').slice(0, 140);
  return `${where}: ${html}`;
}

function toFinding(screen: string, theme: Theme, v: Result): Finding {
  return { screen, theme, rule: v.id, impact: v.impact ?? 'unknown', help: v.help, nodes: v.nodes.map(describeNode) };
}

/**
 * A check axe leaves out: every `aria-controls` must name an element that exists now (a menu or
 * panel rendered only while open must not be referenced while closed).
 */
async function danglingAriaControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('[aria-controls]')].flatMap((el) => {
      const missing = (el.getAttribute('aria-controls') ?? '').split(/\s+/).filter((id) => id && !document.getElementById(id));
      if (missing.length === 0) return [];
      const name = el.getAttribute('data-testid') ?? el.getAttribute('aria-label') ?? el.tagName.toLowerCase();
      return [`${name}: aria-controls="${missing.join(' ')}" but no element has that id`];
    }),
  );
}

/**
 * Runs axe on the page in both themes and adds what it finds to `into`. Returns the number of
 * violations found (rules × themes) so a caller can log progress.
 */
export async function audit(page: Page, screen: string, into: Finding[]): Promise<number> {
  let found = 0;
  for (const theme of THEMES) {
    await page.emulateMedia({ colorScheme: theme });
    await settle(page);
    const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
    for (const v of results.violations) into.push(toFinding(screen, theme, v));
    found += results.violations.length;
  }
  const dangling = await danglingAriaControls(page);
  if (dangling.length) {
    into.push({
      screen,
      theme: 'both',
      rule: 'aria-controls-exists',
      impact: 'moderate',
      help: 'aria-controls must point at an element that exists',
      nodes: dangling,
    });
    found++;
  }
  return found;
}

/** One readable block per violation, and a count per rule at the end. */
export function formatFindings(findings: Finding[]): string {
  if (findings.length === 0) return 'no violations';
  const lines: string[] = [];
  for (const f of findings) {
    lines.push(`[${f.screen} · ${f.theme}] ${f.rule} (${f.impact}): ${f.help}`);
    for (const n of f.nodes) lines.push(`    ${n}`);
  }
  const perRule = new Map<string, number>();
  for (const f of findings) perRule.set(f.rule, (perRule.get(f.rule) ?? 0) + f.nodes.length);
  lines.push(`Elements per rule: ${[...perRule].map(([rule, n]) => `${rule} ${n}`).join(', ')}`);
  return lines.join('\n');
}
