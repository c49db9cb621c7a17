/**
 * Accessibility checks run inside Chromium: axe-core (from node_modules, evaluated in the page so
 * the console's CSP stays on) for serious and critical violations, and a keyboard walk that tabs
 * through a page and checks that every interactive element is reached and shows a visible focus
 * style (its computed outline or box-shadow differs from when it is not focused).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** One axe violation, as reported. */
export interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/** Runs axe-core on the page as it is now; returns the serious and critical violations. */
export async function seriousAxeViolations(page: Page): Promise<AxeFinding[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) })))`,
  )) as AxeFinding[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** What the keyboard walk found. */
export interface KeyboardWalk {
  /** interactive elements the walk never focused */
  unreached: string[];
  /** elements focused without a visible change of style */
  invisibleFocus: string[];
  /** how many elements were reached */
  reached: number;
}

// Marks every interactive element of the page and records its style while unfocused.
const PREPARE = `(() => {
  // start the Tab order at the top of the document (focusing the root sets where Tab starts)
  document.documentElement.tabIndex = -1;
  document.documentElement.focus({ preventScroll: true });
  const rendered = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const candidates = [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')];
  const all = candidates.filter((el) => el.tabIndex >= 0 && !el.disabled && el.type !== 'hidden' && !el.closest('[hidden], [inert]') && rendered(el));
  const style = (el) => { const s = getComputedStyle(el); return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join('|'); };
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.name ? '[name=' + el.name + ']' : '') + (el.type === 'radio' ? '[value=' + el.value + ']' : '') + ' "' + (el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 30) + '"';
  window.__kb = { all, before: all.map(style), describe, style, seen: new Set() };
  return all.length;
})()`;

// Notes the focused element and whether its focus is visible; null when focus left the page.
const NOTE = `(() => {
  const kb = window.__kb;
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const i = kb.all.indexOf(el);
  const s = getComputedStyle(el);
  const now = kb.style(el);
  const drawn = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
  kb.seen.add(el);
  return { element: kb.describe(el), known: i >= 0, visible: drawn && (i < 0 || now !== kb.before[i]) };
})()`;

// Interactive elements never focused (a radio group counts once: arrow keys move within it).
const UNREACHED = `(() => {
  const kb = window.__kb;
  const groupSeen = (el) => el.type === 'radio' && [...kb.seen].some((s) => s.type === 'radio' && s.name === el.name && s.form === el.form);
  return kb.all.filter((el) => !kb.seen.has(el) && !groupSeen(el)).map(kb.describe);
})()`;

/** Tabs from the top of the page until focus leaves it. */
export async function keyboardWalk(page: Page): Promise<KeyboardWalk> {
  const count = (await page.evaluate(PREPARE)) as number;
  const invisible = new Set<string>();
  let reached = 0;
  for (let i = 0; i < count * 6 + 20; i++) {
    await page.keyboard.press('Tab');
    const noted = (await page.evaluate(NOTE)) as { element: string; known: boolean; visible: boolean } | null;
    if (noted === null) {
      if (i > 0) break;
      continue;
    }
    reached++;
    if (!noted.visible) invisible.add(noted.element);
  }
  return { unreached: (await page.evaluate(UNREACHED)) as string[], invisibleFocus: [...invisible], reached };
}
