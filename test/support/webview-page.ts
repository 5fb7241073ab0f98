// The built webview (dist/webview.js, dist/webview.css) in a Chromium page,
// inside the same HTML shell and CSP the editor uses, with a fake host that
// records what the webview posts and can answer it.
import type { Browser, Page } from 'playwright-core';
import type { HostToWebview } from '../../extension/protocol/webview';
import { routeWebview } from './browser';

const ORIGIN = 'https://pinscope.test';
const NONCE = 'dGVzdC1ub25jZQ==';
const FAKE_HOST = `
  window.__posted = [];
  // Kept in sessionStorage, like VS Code keeps it across a reload of the webview.
  window.__state = JSON.parse(sessionStorage.getItem('state') ?? 'null') ?? undefined;
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => { window.__posted.push(m); if (window.__host) window.__host(m); },
    getState: () => window.__state,
    setState: (s) => { window.__state = s; sessionStorage.setItem('state', JSON.stringify(s)); },
  });
`;

/** `host` answers the webview's messages as the editor would (e.g. bio_vec row requests). */
export async function openView(browser: Browser, host?: (message: unknown) => HostToWebview | undefined): Promise<{ page: Page; cspErrors: string[] }> {
  const page = await browser.newPage();
  if (host) {
    await page.exposeFunction('__host', async (message: unknown) => {
      const reply = host(message);
      if (reply) await send(page, reply);
    });
  }
  const cspErrors: string[] = [];
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) cspErrors.push(msg.text());
  });
  page.on('pageerror', (error) => cspErrors.push(`page error: ${error.message}`));
  await routeWebview(page, ORIGIN, NONCE);
  // The fake host: what VS Code injects into a webview. Given as text: tsx
  // rewrites serialised functions with helpers the page does not have.
  await page.addInitScript(FAKE_HOST);
  await page.goto(`${ORIGIN}/`);
  await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
  return { page, cspErrors };
}

export function send(page: Page, message: unknown): Promise<void> {
  return page.evaluate((m) => window.postMessage(m, '*'), message);
}

