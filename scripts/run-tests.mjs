// Type-checks and builds, then runs each test layer in its own process and
// adds up the counts each one reports (PINSCOPE_LAYER_STATS). A layer that
// dies without reporting counts as one failure, so nothing fails silently.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const node = process.execPath;
const mocha = ['node_modules/mocha/bin/mocha.js', '--config'];
const LAYERS = {
  unit: [node, [...mocha, 'test/unit/.mocharc.json']],
  server: [node, [...mocha, 'test/server/.mocharc.json']],
  webview: [node, [...mocha, 'test/webview/.mocharc.json']],
  editor: [node, ['--import', 'tsx', 'test/editor/launch.ts']],
  // Recording on a real kernel: Debian's 6.12 in a qemu guest (scripts/ensure-guest.sh).
  guest: [node, [...mocha, 'test/guest/.mocharc.json']],
};

function step(title, command, args) {
  console.log(`\n== ${title}`);
  const run = spawnSync(command, args, { stdio: 'inherit' });
  return run.status === 0;
}

const wanted = (process.env.PINSCOPE_LAYERS ?? Object.keys(LAYERS).join(',')).split(',').map((s) => s.trim());
const unknown = wanted.filter((name) => !(name in LAYERS));
if (unknown.length) {
  console.error(`unknown layer(s): ${unknown.join(', ')}; known: ${Object.keys(LAYERS).join(', ')}`);
  process.exit(2);
}

const prepared =
  step('typecheck', node, ['scripts/typecheck.mjs']) &&
  step('build', node, ['esbuild.mjs']) &&
  step('build in-editor tests', node, ['scripts/build-tests.mjs']);
if (!prepared) {
  console.log('\n0 passed, 1 failed');
  process.exit(1);
}

const scratch = mkdtempSync(join(tmpdir(), 'pinscope-tests-'));
const rows = [];
for (const name of wanted) {
  const [command, args] = LAYERS[name];
  const statsFile = join(scratch, `${name}.json`);
  console.log(`\n== ${name} tests`);
  const run = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, PINSCOPE_LAYER_STATS: statsFile } });
  let stats = { passed: 0, failed: 1, skipped: 0 };
  if (existsSync(statsFile)) stats = JSON.parse(readFileSync(statsFile, 'utf8'));
  else console.log(`${name}: the layer exited (${run.status ?? run.signal}) without reporting; counted as 1 failure`);
  if (run.status !== 0 && stats.failed === 0) stats = { ...stats, failed: 1 };
  if (stats.passed + stats.failed === 0) {
    console.log(`${name}: the layer ran no test; counted as 1 failure`);
    stats = { ...stats, failed: 1 };
  }
  rows.push({ name, ...stats });
}
rmSync(scratch, { recursive: true, force: true });

console.log('\n== summary');
for (const row of rows) console.log(`${row.name.padEnd(8)} ${row.passed} passed, ${row.failed} failed${row.skipped ? `, ${row.skipped} skipped` : ''}`);
const passed = rows.reduce((sum, row) => sum + row.passed, 0);
const failed = rows.reduce((sum, row) => sum + row.failed, 0);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
