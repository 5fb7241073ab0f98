// The in-editor test entry: VS Code's extension host calls run() (the
// contract @vscode/test-electron uses too). Results go to the file named by
// PINSCOPE_EDITOR_RESULT, because a browser-hosted workbench reports nothing
// back to the launcher by itself.
import { readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

export interface EditorTestResult {
  readonly vscodeVersion: string;
  readonly appHost: string;
  readonly passed: number;
  readonly failed: number;
  readonly tests: Array<{ title: string; state: 'passed' | 'failed'; error?: string }>;
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false });
  for (const file of readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) {
    mocha.addFile(join(__dirname, file));
  }
  const tests: EditorTestResult['tests'] = [];
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const result: EditorTestResult = {
        vscodeVersion: vscode.version,
        appHost: vscode.env.appHost,
        passed: tests.filter((t) => t.state === 'passed').length,
        failed: tests.filter((t) => t.state === 'failed').length,
        tests,
      };
      const out = process.env.PINSCOPE_EDITOR_RESULT;
      if (out) {
        // Written whole, then renamed: the launcher reacts to the file appearing.
        writeFileSync(`${out}.partial`, JSON.stringify(result, null, 2));
        renameSync(`${out}.partial`, out);
      }
      if (failures > 0) reject(new Error(`${failures} in-editor test(s) failed`));
      else resolve();
    });
    runner.on('pass', (test) => tests.push({ title: test.fullTitle(), state: 'passed' }));
    runner.on('fail', (test, error: Error) =>
      tests.push({ title: test.fullTitle(), state: 'failed', error: error.stack ?? error.message }),
    );
  });
}
