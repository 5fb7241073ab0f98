// Debian's Chromium driven by playwright-core (no browser download).
import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { replayHtml } from '../../extension/client/webview-html';
import { REPO_ROOT } from './fixtures';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumPath(): string {
  const path = process.env.PINSCOPE_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(path)) throw new Error(`Chromium not found at ${path}: run scripts/ensure-system.sh (apt-get install chromium)`);
  return path;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
}

const CONTENT_TYPES: Record<string, string> = { '.css': 'text/css', '.js': 'text/javascript', '.ttf': 'font/ttf' };

/**
 * Serves the built webview to `page` under `origin`: the editor's own HTML
 * shell (its CSP, with `nonce`) at "/", and dist/ for the rest.
 */
export async function routeWebview(page: Page, origin: string, nonce: string): Promise<void> {
  await page.route(`${origin}/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/') {
      const html = replayHtml({ cspSource: origin, nonce, scriptUri: `${origin}/webview.js`, styleUri: `${origin}/webview.css` });
      return route.fulfill({ contentType: 'text/html', body: html });
    }
    return route.fulfill({ contentType: CONTENT_TYPES[extname(path)] ?? 'application/octet-stream', body: readFileSync(join(REPO_ROOT, 'dist', path.slice(1))) });
  });
}
