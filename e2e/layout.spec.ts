import { expect, test, type Page } from '@playwright/test';
import type { FleetPage } from '../lib/inventory/fleet';
import { ROLES, type Role } from '../lib/auth/permissions';
import { signIn } from './fixtures/auth';

// Every page, as each role, at the two screens operators use: nothing sticks out sideways (the
// page, or a table inside its scroll box), no table cell is cut off, and the browser logs no
// error (a failed script, a CSP refusal, a hydration mismatch). Each page's screenshot is kept.

const REPORT_NAMES = ['inventory', 'allocation', 'capacity', 'compliance', 'history', 'mac-duplicates'] as const;

const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const;

async function hostIds(page: Page): Promise<Record<string, string>> {
  const { hosts } = (await (await page.request.get('/api/hosts?pageSize=500')).json()) as FleetPage;
  return Object.fromEntries(hosts.map((h) => [h.name, h.id]));
}

function pages(ids: Record<string, string>): { name: string; path: string }[] {
  return [
    { name: 'fleet', path: '/' },
    { name: 'fleet-attention', path: '/?agent=not-reporting' },
    { name: 'host-ready', path: `/hosts/${ids['kvm-b03']}` },
    { name: 'host-not-ready', path: `/hosts/${ids['kvm-a04']}` },
    { name: 'host-pending', path: `/hosts/${ids['kvm-c02']}` },
    { name: 'host-never-seen', path: `/hosts/${ids['kvm-d03']}` },
    { name: 'host-new', path: '/hosts/new' },
    { name: 'vms', path: '/vms' },
    { name: 'reports', path: '/reports' },
    ...REPORT_NAMES.map((name) => ({ name: `report-${name}`, path: `/reports/${name}?host=kvm-` })),
    { name: 'audit', path: '/audit' },
    { name: 'admin', path: '/admin' },
  ];
}

/** What sticks out or is cut off, in words a failure message can show. */
async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const name = (el: Element) => `${el.tagName.toLowerCase()} “${(el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 50)}”`;
    const sideways = document.documentElement.scrollWidth - window.innerWidth;
    if (sideways > 0) problems.push(`the page scrolls ${sideways} px sideways`);
    for (const el of document.querySelectorAll('body *')) {
      const style = getComputedStyle(el);
      if (style.display === 'none' || el.closest('dialog:not([open])')) continue;
      const scrolls = style.overflowX === 'auto' || style.overflowX === 'scroll';
      if (scrolls && el.scrollWidth > el.clientWidth + 1) problems.push(`${name(el)} hides ${el.scrollWidth - el.clientWidth} px to the side`);
    }
    // Text for screen readers only is clipped to 1 px on purpose.
    const visuallyHidden = (el: Element) => getComputedStyle(el).position === 'absolute' && el.getBoundingClientRect().width <= 1;
    for (const cell of document.querySelectorAll('td, th')) {
      for (const el of [cell, ...cell.querySelectorAll('*')]) {
        if (visuallyHidden(el)) continue;
        if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) {
          problems.push(`${name(cell)} is cut off (${el.scrollWidth} px of content in ${el.clientWidth} px)`);
          break;
        }
      }
    }
    return problems;
  });
}

for (const viewport of VIEWPORTS) {
  test(`the sign-in page at ${viewport.width} × ${viewport.height}`, async ({ page }) => {
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setViewportSize(viewport);
    await page.goto('/login');
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    expect(await layoutProblems(page)).toEqual([]);
    await page.screenshot({ path: `test-results/screenshots/layout-anonymous-${viewport.width}-login.png`, fullPage: true });
    expect(errors).toEqual([]);
  });

  for (const role of ROLES as readonly Role[]) {
    test(`every page as ${role} at ${viewport.width} × ${viewport.height}: nothing off-screen, no cell cut off, no console error`, async ({ page }) => {
      test.setTimeout(120_000);
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(`${page.url()}: ${m.text()}`));
      page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
      await page.setViewportSize(viewport);
      await signIn(page.request, role);
      const found: string[] = [];
      for (const p of pages(await hostIds(page))) {
        const response = await page.goto(p.path);
        expect(response?.status(), p.path).toBe(200);
        // The page's own heading (or its refusal) is up, and the data its client code loads is in.
        await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();
        await page.waitForLoadState('networkidle');
        for (const problem of await layoutProblems(page)) found.push(`${p.name}: ${problem}`);
        await page.screenshot({ path: `test-results/screenshots/layout-${role}-${viewport.width}-${p.name}.png`, fullPage: true });
      }
      expect(found).toEqual([]);
      expect(errors).toEqual([]);
    });
  }
}
