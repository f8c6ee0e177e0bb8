/**
 * Runs the longest test files first, so that no worker is left with a long file at the end of the
 * run while the others idle. A file's length is its duration in jest's cache from earlier runs;
 * a file jest has not timed yet (a fresh clone, CI) counts as longer than every construct test when
 * it is an integration test (terraform, Python, sandboxes), by its size otherwise.
 * (Plain JavaScript: jest loads the sequencer without transforming it.)
 */
const Sequencer = require('@jest/test-sequencer').default;

/** Seconds an untimed integration file is taken to last: more than any construct file does. */
const UNTIMED_INTEGRATION_SECONDS = 60;

class LongestFirst extends Sequencer {
  sort(tests) {
    const estimate = (test) => {
      const timed = this.time(test);
      if (timed != null) return timed / 1000;
      const size = test.context.hasteFS.getSize(test.path) ?? 0;
      return test.context.config.displayName?.name === 'integration' ? UNTIMED_INTEGRATION_SECONDS + size / 1e4 : size / 1e5;
    };
    const seconds = new Map(tests.map((test) => [test, estimate(test)]));
    return [...tests].sort((a, b) => seconds.get(b) - seconds.get(a));
  }
}

module.exports = LongestFirst;
