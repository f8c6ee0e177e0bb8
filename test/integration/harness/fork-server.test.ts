/**
 * The Python fork server the seed-code tests run through: every command must behave exactly as it
 * does in a fresh interpreter (SEED_PYTHON_FORK_SERVER=0), which is what a data scientist runs.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PythonResult, runPython } from '../seed-code/support/seed';

/** Runs the same command both ways. */
function bothWays(args: string[], cwd?: string): { forked: PythonResult; fresh: PythonResult } {
  const previous = process.env.SEED_PYTHON_FORK_SERVER;
  try {
    delete process.env.SEED_PYTHON_FORK_SERVER;
    const forked = runPython(args, cwd);
    process.env.SEED_PYTHON_FORK_SERVER = '0';
    const fresh = runPython(args, cwd);
    return { forked, fresh };
  } finally {
    if (previous === undefined) delete process.env.SEED_PYTHON_FORK_SERVER;
    else process.env.SEED_PYTHON_FORK_SERVER = previous;
  }
}

describe('seed-code Python commands through the fork server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fork-server-'));
  writeFileSync(join(dir, 'helper.py'), 'GREETING = "from the script directory"\n');
  writeFileSync(
    join(dir, 'script.py'),
    [
      'import json, os, sys',
      'import helper',
      'print(json.dumps({"argv": sys.argv[1:], "name": __name__, "cwd": os.getcwd(), "env": os.environ.get("SEED_TEST_VALUE"), "helper": helper.GREETING}))',
      'print("to stderr", file=sys.stderr)',
      'sys.exit(int(sys.argv[1]))',
    ].join('\n'),
  );

  test('a script gets its arguments, __main__, the working directory, the environment and its own directory on sys.path; output and exit code come back', () => {
    process.env.SEED_TEST_VALUE = 'a b "c" $d';
    try {
      const { forked, fresh } = bothWays([join(dir, 'script.py'), '3', 'two words'], tmpdir());
      expect(forked).toEqual(fresh);
      expect(forked.code).toBe(3);
      expect(JSON.parse(forked.stdout)).toEqual({ argv: ['3', 'two words'], name: '__main__', cwd: tmpdir(), env: 'a b "c" $d', helper: 'from the script directory' });
      expect(forked.stderr).toBe('to stderr\n');
    } finally {
      delete process.env.SEED_TEST_VALUE;
    }
  });

  test('-c code runs with sys.argv[0] == "-c"', () => {
    const { forked, fresh } = bothWays(['-c', 'import sys; print(sys.argv); raise SystemExit("stopped: " + sys.argv[1])', 'reason']);
    expect(forked).toEqual(fresh);
    expect(forked).toEqual({ code: 1, stdout: "['-c', 'reason']\n", stderr: 'stopped: reason\n' });
  });

  test('an uncaught exception prints its traceback and exits 1', () => {
    const { forked, fresh } = bothWays(['-c', 'raise ValueError("bad row 7")']);
    expect(forked.code).toBe(1);
    expect(fresh.code).toBe(1);
    expect(forked.stderr).toMatch(/^Traceback \(most recent call last\):\n[\s\S]*ValueError: bad row 7\n$/);
    expect(forked.stdout).toBe('');
  });

  test('output written just before exit, and by logging, is not lost', () => {
    const code = 'import logging, sys\nlogging.basicConfig(level=logging.INFO)\nlogging.info("logged")\nsys.stdout.write("x" * 100000)';
    const { forked, fresh } = bothWays(['-c', code]);
    expect(forked).toEqual(fresh);
    expect(forked.stdout).toHaveLength(100000);
    expect(forked.stderr).toBe('INFO:root:logged\n');
  });

  test('a command killed by a signal is reported as the fresh interpreter is', () => {
    const { forked, fresh } = bothWays(['-c', 'import os, signal; print("before", flush=True); os.kill(os.getpid(), signal.SIGTERM)']);
    expect(forked).toEqual(fresh);
    expect(forked.stdout).toBe('before\n');
  });

  test('commands do not see each other: each starts from the server\'s state', () => {
    const first = runPython(['-c', 'import sys, json; sys.modules["json"].marker = 1; print("set")']);
    const second = runPython(['-c', 'import json; print(hasattr(json, "marker"))']);
    expect([first.stdout, second.stdout]).toEqual(['set\n', 'False\n']);
  });
});
