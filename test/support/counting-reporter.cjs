// mocha's spec reporter, plus a JSON file with the pass/fail counts so the
// test runner can add up every layer into one closing line.
const { writeFileSync } = require('node:fs');
const Mocha = require('mocha');

class CountingReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const out = process.env.PINSCOPE_LAYER_STATS;
      if (!out) return;
      const { passes, failures, pending } = runner.stats ?? this.stats;
      writeFileSync(out, JSON.stringify({ passed: passes, failed: failures, skipped: pending }));
    });
  }
}

module.exports = CountingReporter;
