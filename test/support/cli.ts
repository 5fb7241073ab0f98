// The pinscope command line run as a user runs it: a real process, from the sources.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './fixtures';

export function pinscope(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'extension/cli/main.ts'), ...args], { encoding: 'utf8', cwd: REPO_ROOT });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The built command line (dist/cli.js), as the package ships it: beside its trace worker, so big traces are read in pieces. */
export function pinscopeBuilt(env: Record<string, string>, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [join(REPO_ROOT, 'dist/cli.js'), ...args], { encoding: 'utf8', cwd: REPO_ROOT, env: { ...process.env, ...env } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}
