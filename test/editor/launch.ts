// Runs the in-editor suite (out/test/editor) inside a real VS Code and prints
// which host ran it. Desktop VS Code through @vscode/test-electron when
// VSCODE_EXECUTABLE names one; otherwise the VS Code server from
// code-server@4.100.3 with the workbench in headless Chromium
// (shared/docs/editor-test-host.md). A host that fails to start fails the run.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { EditorTestResult } from './suite/index';
import { launchChromium } from '../support/browser';
import { REPO_ROOT } from '../support/fixtures';
import { startVsCodeServer } from '../../scripts/vscode-server-host';
import { runJourney } from './journey';

const TESTS_ENTRY = join(REPO_ROOT, 'out/test/editor/index.js');
const WORKSPACE = join(REPO_ROOT, 'samples/kernel');
const TIMEOUT_MS = 180_000;

/** Resolves when `file` exists; rejects when `failed` does or the deadline passes. */
function waitForFile(file: string, failed: Promise<never>, what: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const dir = join(file, '..');
    const done = (error?: Error) => {
      watcher.close();
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    const watcher = watch(dir, () => {
      if (existsSync(file)) done();
    });
    const timer = setTimeout(() => done(new Error(`timed out after ${TIMEOUT_MS / 1000}s waiting for ${what}`)), TIMEOUT_MS);
    failed.catch((error: Error) => done(error));
    if (existsSync(file)) done();
  });
}

/** What the launcher itself checks in the browser after the suite: the webview really rendered. */
async function checkWebviewDom(page: Page): Promise<EditorTestResult['tests'][number]> {
  const title = 'Pinscope in a real VS Code (workbench) the replay webview renders the E1 bvecs in the browser';
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      for (const frame of page.frames()) {
        const lens = await frame
          .locator('[data-testid="bvec"]')
          .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-len'))))
          .catch(() => [] as number[]);
        if (lens.length > 0) {
          const expected = [0xf00, 0x1000, 0x1000, 0x100];
          if (JSON.stringify(lens) !== JSON.stringify(expected)) {
            throw new Error(`bvec lengths ${JSON.stringify(lens)}, expected ${JSON.stringify(expected)}`);
          }
          return { title, state: 'passed' };
        }
      }
      if (Date.now() > deadline) {
        mkdirSync(join(REPO_ROOT, '.test-results'), { recursive: true });
        await page.screenshot({ path: join(REPO_ROOT, '.test-results/editor-webview-missing.png') }).catch(() => undefined);
        const frames = page.frames().map((f) => f.url().slice(0, 120)).join('\n');
        throw new Error(`no webview frame with bvec rows appeared (screenshot in .test-results/); frames:\n${frames}`);
      }
      await page.waitForTimeout(200);
    }
  } catch (error) {
    return { title, state: 'failed', error: (error as Error).message };
  }
}

async function runInVsCodeServer(resultFile: string): Promise<{ result: EditorTestResult; host: string }> {
  const server = await startVsCodeServer({ env: { PINSCOPE_EDITOR_RESULT: resultFile } });
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const host = `${server.description} + Chromium ${browser.version()}`;
    console.log(`editor host: ${host}`);
    const page = await browser.newPage();
    // PINSCOPE_DEBUG=1 shows the workbench's console (the in-editor mocha output is there too).
    page.on('console', (msg) => {
      if (process.env.PINSCOPE_DEBUG) console.log(`[browser] ${msg.text()}`);
    });
    await page.goto(server.workbenchUrl(WORKSPACE, [['extensionTestsPath', TESTS_ENTRY]]));
    await waitForFile(resultFile, server.exited, 'the in-editor suite to write its result');
    const result = JSON.parse(readFileSync(resultFile, 'utf8')) as EditorTestResult;
    const tests = [...result.tests, await checkWebviewDom(page)];
    await page.close();
    tests.push(await runJourney(server, browser, WORKSPACE));
    return {
      host,
      result: {
        ...result,
        tests,
        passed: tests.filter((t) => t.state === 'passed').length,
        failed: tests.filter((t) => t.state === 'failed').length,
      },
    };
  } finally {
    await browser?.close().catch(() => undefined);
    server.stop();
  }
}

async function runInDesktop(executable: string, resultFile: string): Promise<{ result: EditorTestResult; host: string }> {
  const { runTests } = await import('@vscode/test-electron');
  const host = `VS Code desktop at ${executable} (@vscode/test-electron)`;
  console.log(`editor host: ${host}`);
  await runTests({
    vscodeExecutablePath: executable,
    extensionDevelopmentPath: REPO_ROOT,
    extensionTestsPath: TESTS_ENTRY,
    extensionTestsEnv: { PINSCOPE_EDITOR_RESULT: resultFile },
    launchArgs: [WORKSPACE, '--disable-extensions', '--disable-workspace-trust'],
  }).catch(() => undefined); // failures are read from the result file below
  if (!existsSync(resultFile)) throw new Error('VS Code desktop ran no in-editor test');
  return { host, result: JSON.parse(readFileSync(resultFile, 'utf8')) as EditorTestResult };
}

async function main(): Promise<number> {
  if (!existsSync(TESTS_ENTRY)) throw new Error(`${TESTS_ENTRY} is missing: run node scripts/build-tests.mjs first`);
  const scratch = mkdtempSync(join(tmpdir(), 'pinscope-editor-result-'));
  const resultFile = join(scratch, 'result.json');
  const desktop = process.env.VSCODE_EXECUTABLE;
  const { result, host } = desktop ? await runInDesktop(desktop, resultFile) : await runInVsCodeServer(resultFile);
  console.log(`\n  in-editor suite on ${host}, vscode.version ${result.vscodeVersion} (appHost ${result.appHost})`);
  for (const test of result.tests) {
    console.log(`    ${test.state === 'passed' ? '✔' : '✘'} ${test.title}`);
    if (test.error) console.log(test.error.replace(/^/gm, '        '));
  }
  console.log(`\n  ${result.passed} passing, ${result.failed} failing`);
  if (process.env.PINSCOPE_LAYER_STATS) {
    writeFileSync(process.env.PINSCOPE_LAYER_STATS, JSON.stringify({ passed: result.passed, failed: result.failed, skipped: 0 }));
  }
  rmSync(scratch, { recursive: true, force: true });
  return result.failed === 0 && result.passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`editor tests could not run: ${error.message}`);
    process.exit(1);
  },
);
