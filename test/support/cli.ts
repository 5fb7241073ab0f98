// The pinscope command line run as a user runs it: a real process, from the sources.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './fixtures';

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function pinscope(...args: string[]): CliRun {
  return run(['--import', 'tsx', join(REPO_ROOT, 'extension/cli/main.ts')], args);
}

/** The built command line (dist/cli.js), as the package ships it: beside its trace worker, so big traces are read in pieces. */
export function pinscopeBuilt(env: Record<string, string>, ...args: string[]): CliRun {
  return run([join(REPO_ROOT, 'dist/cli.js')], args, env);
}

function run(entry: string[], args: string[], env: Record<string, string> = {}): CliRun {
  const done = spawnSync(process.execPath, [...entry, ...args], { encoding: 'utf8', cwd: REPO_ROOT, env: { ...process.env, ...env } });
  return { status: done.status, stdout: done.stdout, stderr: done.stderr };
}
