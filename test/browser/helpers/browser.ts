import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createTestContext, type TestContext } from '../../helpers/app';

/**
 * A real browser against the real apps (issue 4). The apps run in-process on
 * loopback ports with the test context (fresh database, fake clock), so a test
 * can provision tokens and compute the codes the phone would show. Pages have
 * JavaScript switched off, as many of the bank's customers do.
 */
/** The page's document inside page.evaluate callbacks: they run in the browser, and the project has no DOM lib. */
declare const document: { documentElement: { scrollWidth: number; clientWidth: number } };

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.resolve(__dirname, '..', '..', '..', 'screenshots');
export const WIDTHS = { phone: 360, desk: 1280 } as const;

export interface BrowserWorld {
  ctx: TestContext;
  browser: Browser;
  customerUrl: string;
  staffUrl: string;
  close(): Promise<void>;
}

const listen = (app: TestContext['app']): Promise<Server> =>
  new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(server)));
  });

const urlOf = (server: Server): string => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

export async function startWorld(env: Record<string, string> = {}): Promise<BrowserWorld> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH.`);
  }
  const ctx = await createTestContext({ DEMO: '1', ...env });
  const [customer, staff] = await Promise.all([listen(ctx.app), listen(ctx.staffApp)]);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    ctx,
    browser,
    customerUrl: urlOf(customer),
    staffUrl: urlOf(staff),
    async close() {
      await browser.close();
      await Promise.all([customer, staff].map((s) => new Promise<void>((r) => s.close(() => r()))));
      ctx.db.close();
    },
  };
}

/** A fresh browser profile (its own cookies) with scripts off, as a clerk's locked-down PC. */
export async function newPage(world: BrowserWorld, width: number = WIDTHS.desk): Promise<Page> {
  const context = await world.browser.newContext({
    javaScriptEnabled: false,
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
    viewport: { width, height: 900 },
  });
  return context.newPage();
}

/**
 * Opens a page that reloads itself (/softtoken's meta refresh, within 30 s) and keeps it still: a
 * reload could land in the middle of a check or a picture on a slow machine, so any later load of
 * the URL is cancelled.
 */
export async function openStill(page: Page, url: string) {
  let loads = 0;
  await page.route(url, (route) => (++loads === 1 ? route.continue() : route.abort('aborted')));
  return page.goto(url);
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

const AXE_PATH = require.resolve('axe-core/axe.min.js');

/**
 * axe-core on the page as it is now. axe needs script (and its timers), which
 * the page under test does not run; so the page's HTML is loaded, with its
 * stylesheet, into a scripted twin on the same origin (CSP bypassed for the
 * check only), and axe runs there. Returns the serious and critical findings.
 */
export async function seriousA11yViolations(world: BrowserWorld, page: Page): Promise<AxeViolation[]> {
  const html = await page.content();
  const origin = new URL(page.url()).origin;
  // One scripted twin per world and origin: a new browser context per check costs seconds.
  const twin = await twinPage(world, origin);
  await twin.setViewportSize(page.viewportSize() ?? { width: WIDTHS.desk, height: 900 });
  await twin.setContent(html, { waitUntil: 'load' });
  if (!(await twin.evaluate(() => 'axe' in globalThis))) await twin.addScriptTag({ path: AXE_PATH });
  const violations = (await twin.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations;
  })) as AxeViolation[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

const twins = new WeakMap<BrowserWorld, Map<string, Page>>();

async function twinPage(world: BrowserWorld, origin: string): Promise<Page> {
  const byOrigin = twins.get(world) ?? new Map<string, Page>();
  twins.set(world, byOrigin);
  const existing = byOrigin.get(origin);
  if (existing) return existing;
  const context = await world.browser.newContext({ javaScriptEnabled: true, bypassCSP: true });
  const page = await context.newPage();
  await page.goto(`${origin}/healthz`);
  byOrigin.set(origin, page);
  return page;
}

/** Saves the screen at smartphone and desktop widths under screenshots/ (ignored by git). */
export async function screenshots(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const original = page.viewportSize() ?? { width: WIDTHS.desk, height: 900 };
  for (const [label, width] of Object.entries(WIDTHS)) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${width}.png`), fullPage: true });
    // Readable at this width: nothing may stick out sideways (a page that needs horizontal scrolling at 360 px fails).
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (label === 'phone' && overflow > 0) throw new Error(`${name}: ${overflow}px of horizontal overflow at ${width}px`);
  }
  await page.setViewportSize(original);
}

/**
 * Every screen a test reaches goes through here: no serious or critical axe
 * finding, and a screenshot at 360 and 1280 px.
 */
export async function checkScreen(world: BrowserWorld, page: Page, name: string): Promise<void> {
  const found = await seriousA11yViolations(world, page);
  if (found.length > 0) {
    const lines = found.map((v) => `${v.impact} ${v.id}: ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`);
    throw new Error(`${name}: axe found ${found.length} serious/critical violation(s):\n${lines.join('\n')}`);
  }
  await screenshots(page, name);
}
