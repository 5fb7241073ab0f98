// Control characters from a trace (a task names itself with any bytes, and
// ftrace prints them raw) never reach a terminal raw, and a trace holding a
// few of them is still read (issue 14, item 6).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTraceFile } from '../../../extension/node/trace-file';
import { printable, printableJson, type RawCall } from '../../../extension/trace';
import { pinscope } from '../../support/cli';

const scratch = mkdtempSync(join(tmpdir(), 'pinscope-hostile-'));
function file(name: string, content: string | Buffer): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

/** Clears the screen, sets the window title, rings the bell, then paints red: what PR_SET_NAME allows in 15 bytes. */
const EVIL = '\x1b[2J\x1b]0;x\x07\x1b[31mev';
const CALL = (comm: string) =>
  [
    `${comm}-366     [000] ...1.    13.429533: xui_entry: (netfs_extract_user_iter+0x4/0x2e0 [netfs]) orig=0xffffc900004e3b18 type=0 nofault=0 source=0 iov_offset=0 ptr=0x7f0000001100 count=12288 nr_segs=1 orig_len=12288 new=0xffff888100b02de8 flags=0x0`,
    `${comm}-366     [000] .....    13.429734: xui_exit: (netfs_unbuffered_read_iter_locked+0xc6/0x6e0 [netfs] <- netfs_extract_user_iter) ret=4 orig_iov_offset=12288 orig_count=0 orig_nr_segs=1 new_count=12288 new_nr_segs=4`,
  ].join('\n') + '\n';
/** Any C0 control but newline, DEL or C1: what must not reach a terminal. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('trace: hostile bytes', () => {
  it('printable writes controls and invisible format characters as escapes, and leaves the rest alone', () => {
    assert.equal(printable(EVIL), '\\x1b[2J\\x1b]0;x\\x07\\x1b[31mev');
    assert.equal(printable('a\tb\nc\rd\x7f'), 'a\\x09b\\x0ac\\x0dd\\x7f');
    assert.equal(printable('csi\u009b2J bidi\u202etxt.exe'), 'csi\\u009b2J bidi\\u202etxt.exe');
    assert.equal(printable('kworker/0:1 ünïcode — ✓ C:\\path'), 'kworker/0:1 ünïcode — ✓ C:\\path');
    assert.equal(printable(printable(EVIL)), printable(EVIL), 'escaping twice changes nothing');
  });

  it('printableJson keeps the JSON valid and its values exact', () => {
    const value = { comm: EVIL + '\u009b\u202e', n: [1, 2] };
    const text = printableJson(JSON.stringify(value, null, 2));
    assert.doesNotMatch(text.replace(/\n/g, ''), RAW_CONTROL);
    assert.deepEqual(JSON.parse(text), value);
  });

  it('a short trace with a few control bytes in a task name is read, not refused as binary', async () => {
    const content = CALL(EVIL);
    const controls = [...content].filter((c) => c < ' ' && c !== '\n').length;
    assert.ok(controls > content.length / 100, 'more than 1% control bytes: the old test called this binary');
    const calls: RawCall[] = [];
    await readTraceFile(file('evil.trace', content), { onCall: (c) => calls.push(c) });
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.comm, EVIL, 'the data is kept as the kernel printed it');
  });

  it('pinscope replay shows the task name escaped in its table, JSON and messages; nothing raw reaches the terminal', () => {
    const path = file('evil-cli.trace', CALL(EVIL));
    const table = pinscope('replay', path);
    assert.equal(table.status, 0, table.stderr);
    assert.doesNotMatch(table.stdout, RAW_CONTROL);
    assert.match(table.stdout, /\\x1b\[2J\\x1b\]0;x\\x07/);
    const json = pinscope('replay', path, '--json');
    assert.doesNotMatch(json.stdout, RAW_CONTROL);
    assert.equal(JSON.parse(json.stdout).calls[0].comm, EVIL);
    // An unreadable file's message quotes its first line: escaped too.
    const garbage = pinscope('replay', file('evil-garbage.txt', `hello ${EVIL}\u009b world\nnot a trace\nat all\n`));
    assert.equal(garbage.status, 2);
    assert.match(garbage.stderr, /no known trace format/);
    assert.doesNotMatch(garbage.stderr, RAW_CONTROL);
  });

  it('pinscope stats shows the task name escaped in its text and JSON', () => {
    const path = file('evil-stats.trace', CALL(EVIL));
    const text = pinscope('stats', path);
    assert.equal(text.status, 0, text.stderr);
    assert.doesNotMatch(text.stdout, RAW_CONTROL);
    assert.match(text.stdout, /busiest tasks: [^\n]*\\x1b\[2J\\x1b\]0;x\\x07/);
    const json = pinscope('stats', path, '--json');
    assert.doesNotMatch(json.stdout, RAW_CONTROL);
    assert.equal(JSON.parse(json.stdout).totals.busiestTasks[0].comm, EVIL);
  });

  it('binary is judged by what no text trace holds: NUL bytes, or lines that are mostly not text', async () => {
    const read = (path: string) => readTraceFile(path, { onCall: () => undefined });
    await assert.rejects(read(file('nul.bin', Buffer.from('# tracer: nop\n\0\0\0\x01'))), /binary file/);
    const noise = Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 37 + 11) % 255 || 1));
    await assert.rejects(read(file('noise.bin', noise)), /binary file/);
    await assert.rejects(read(file('prose.txt', 'just some words\nand more\n')), /no known trace format/);
  });
});
