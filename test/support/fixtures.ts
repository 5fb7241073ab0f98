import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..');
export const FIXTURES = join(REPO_ROOT, 'test', 'fixtures');

export function fixtureText(relative: string): string {
  return readFileSync(join(FIXTURES, relative), 'utf8');
}
