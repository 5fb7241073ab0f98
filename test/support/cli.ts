// The pinscope command line run as a user runs it: a real process, from the sources.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './fixtures';

export function pinscope(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'extension/cli/main.ts'), ...args], { encoding: 'utf8', cwd: REPO_ROOT });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}
