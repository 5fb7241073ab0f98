// A workspace of every kind of file an index must survive, beside good ones:
// deep nesting, a 32 MiB file of half a million calls, invalid UTF-8, a binary .c,
// a FIFO, a device, symbolic link loops and dangling links, and (optionally)
// an unreadable file and folder. Built in a temporary folder per run.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const isRoot = process.getuid?.() === 0;

const GOOD = [
  'static ssize_t careful(struct iov_iter *it, struct iov_iter *to)',
  '{',
  '\tssize_t n = netfs_extract_user_iter(it, 4096, to, 0);',
  '',
  '\tif (n < 0)',
  '\t\treturn n;',
  '\treturn n;',
  '}',
  '',
  'static void careless(struct iov_iter *it, struct iov_iter *to)',
  '{',
  '\tnetfs_extract_user_iter(it, 4096, to, 0);',
  '}',
  '',
].join('\n');

export interface HostileTree {
  readonly root: string;
  /** "path:line function" of every entry an exact index has. */
  readonly expected: readonly string[];
  /** Path → what its notice must say (a pattern), for every file that must be named as skipped. */
  readonly skipped: ReadonlyMap<string, RegExp>;
  /** Named only by the walk without ripgrep (ripgrep never opens them, so it cannot name them). */
  readonly skippedByWalkOnly: ReadonlyMap<string, RegExp>;
  readonly warned: ReadonlyMap<string, RegExp>;
  remove(): void;
}

export function hostileTree(options: { unreadable: boolean }): HostileTree {
  const root = mkdtempSync(join(tmpdir(), 'pinscope-hostile-'));
  const expected: string[] = [];
  const skipped = new Map<string, RegExp>();
  const skippedByWalkOnly = new Map<string, RegExp>();
  const warned = new Map<string, RegExp>();
  const good = (path: string) => expected.push(`${path}:3 careful`, `${path}:12 careless`);

  writeFileSync(join(root, 'good.c'), GOOD);
  good('good.c');
  mkdirSync(join(root, 'sub'));
  writeFileSync(join(root, 'sub', 'also-good.c'), GOOD);
  good('sub/also-good.c');

  // 10,000 parentheses deep, then a call: found, in its function.
  writeFileSync(join(root, 'deep.c'), `static int deep(struct iov_iter *it)\n{\n\tint x = ${'('.repeat(10_000)}1${')'.repeat(10_000)};\n\treturn netfs_extract_user_iter(it, x, 0, 0);\n}\n`);
  expected.push('deep.c:4 deep');

  // A Latin-1 comment: not UTF-8, still C.
  writeFileSync(join(root, 'latin1.c'), Buffer.concat([Buffer.from('/* caf'), Buffer.from([0xe9]), Buffer.from(' */\n'), Buffer.from(GOOD)]));
  expected.push('latin1.c:4 careful', 'latin1.c:13 careless');
  warned.set('latin1.c', /not valid UTF-8/);

  // 32 MiB, half a million calls: over the limit, named, not parsed.
  const line = 'void f(void) { netfs_extract_user_iter(0, 0, 0, 0); }             \n';
  writeFileSync(join(root, 'huge.c'), line.repeat(Math.ceil((32 * 1024 * 1024) / line.length)));
  skipped.set('huge.c', /32\.0 MiB, over the 4\.0 MiB limit/);

  writeFileSync(join(root, 'binary.c'), Buffer.concat([Buffer.from('netfs_extract_user_iter'), Buffer.from([0, 1, 2, 0xff, 0])]));
  skipped.set('binary.c', /binary/);

  spawnSync('mkfifo', [join(root, 'fifo.c')]);
  skippedByWalkOnly.set('fifo.c', /a FIFO, not read/);
  if (isRoot) {
    spawnSync('mknod', [join(root, 'zero.c'), 'c', '1', '5']);
    skippedByWalkOnly.set('zero.c', /a character device, not read/);
  }

  symlinkSync('missing.c', join(root, 'dangling.c'));
  skipped.set('dangling.c', /does not exist \(a dangling symbolic link\?\) \(ENOENT\)/);
  symlinkSync('loop-b.c', join(root, 'loop-a.c'));
  symlinkSync('loop-a.c', join(root, 'loop-b.c'));
  skipped.set('loop-a.c', /symbolic link loop \(ELOOP\)/);
  skipped.set('loop-b.c', /symbolic link loop \(ELOOP\)/);
  symlinkSync('..', join(root, 'sub', 'back'));
  skipped.set('sub/back', /symbolic link loop: it leads back to a folder above it/);
  // A link to a good file is followed, as VS Code's search follows it.
  symlinkSync('good.c', join(root, 'link-to-good.c'));
  good('link-to-good.c');

  if (options.unreadable) {
    writeFileSync(join(root, 'unreadable.c'), GOOD);
    chmodSync(join(root, 'unreadable.c'), 0);
    skipped.set('unreadable.c', /permission denied \(EACCES\)/);
    mkdirSync(join(root, 'closed'));
    writeFileSync(join(root, 'closed', 'inner.c'), GOOD);
    chmodSync(join(root, 'closed'), 0);
    skipped.set('closed', /permission denied \(EACCES\)/);
  }
  expected.sort();
  return {
    root,
    expected,
    skipped,
    skippedByWalkOnly,
    warned,
    remove() {
      if (options.unreadable) chmodSync(join(root, 'closed'), 0o755);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * The command and arguments that run a program unable to read what its mode
 * bits forbid. Root reads everything, so as root the program runs under
 * setpriv without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (the capabilities
 * that let root ignore permissions): a real permission check, by the kernel.
 */
export function withoutReadOverride(command: string, args: readonly string[]): [string, string[]] {
  if (!isRoot) return [command, [...args]];
  return ['setpriv', ['--bounding-set', '-dac_override,-dac_read_search', '--', command, ...args]];
}
