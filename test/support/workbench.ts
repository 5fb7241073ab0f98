// Driving VS Code's workbench in Chromium (the editor journey and the editor-UI bench).
import type { Page } from 'playwright-core';

/** Runs a command from the palette (F1), by its title: the time (performance.now()) it was chosen, for a bench to count from. */
export async function palette(page: Page, command: string): Promise<number> {
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget').waitFor();
  await page.keyboard.type(command);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: command.replace(/^Pinscope: /, '') }).first().waitFor();
  const chosen = performance.now();
  await page.keyboard.press('Enter');
  return chosen;
}
