/**
 * The Python fork server the seed-code tests run through: every command must behave exactly as it
 * does in a fresh interpreter (SEED_PYTHON_FORK_SERVER=0), which is what a data scientist runs.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from '../../harness/child-process';
import { FORK_CLIENT, PYTHON_SERVER_VARIABLE, pythonServer, SERVER_GONE, startPythonServer } from '../../harness/python-server';
import { PYTHON, PythonResult, runPython, runPythonAsync } from '../seed-code/support/seed';

/**
 * Fails unless commands now go through a fork server: without one (TEST_HARNESS_PYTHON_SERVER
 * unset), the "forked" runs would be fresh interpreters and every comparison would pass.
 */
function expectTheServer(): void {
  expect(pythonServer(PYTHON)).toEqual(expect.objectContaining({ python: PYTHON }));
}

/** Runs `body` with commands going through a fork server, whatever SEED_PYTHON_FORK_SERVER the run has. */
async function throughTheServer<T>(body: () => T | Promise<T>): Promise<T> {
  const previous = process.env.SEED_PYTHON_FORK_SERVER;
  delete process.env.SEED_PYTHON_FORK_SERVER;
  try {
    expectTheServer();
    return await body();
  } finally {
    if (previous !== undefined) process.env.SEED_PYTHON_FORK_SERVER = previous;
  }
}

/** Runs the same command both ways. */
function bothWays(args: string[], cwd?: string): { forked: PythonResult; fresh: PythonResult } {
  const previous = process.env.SEED_PYTHON_FORK_SERVER;
  try {
    delete process.env.SEED_PYTHON_FORK_SERVER;
    expectTheServer();
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
      expect(JSON.parse(forked.stdout)).toEqual({
        argv: ['3', 'two words'],
        name: '__main__',
        cwd: tmpdir(),
        env: 'a b "c" $d',
        helper: 'from the script directory',
      });
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

  test('commands of several clients run at the same time, each answered with its own result', async () => {
    const started = Date.now();
    const results = await throughTheServer(() =>
      Promise.all([1, 2].map((index) => runPythonAsync(['-c', `import time; time.sleep(1.5); print(${index})`], {}))),
    );
    expect(results.map((result) => result.stdout)).toEqual(['1\n', '2\n']);
    // One after the other they would take at least 3 s.
    expect(Date.now() - started).toBeLessThan(2900);
  });

  test("commands do not see each other: each starts from the server's state", async () => {
    const [first, second] = await throughTheServer(() => [
      runPython(['-c', 'import sys, json; sys.modules["json"].marker = 1; print("set")']),
      runPython(['-c', 'import json; print(hasattr(json, "marker"))']),
    ]);
    expect([first.stdout, second.stdout]).toEqual(['set\n', 'False\n']);
  });
});

describe('a fork server that has died is noticed at once, never waited for', () => {
  /** Waits for `pid` to end (asynchronously: this process reaps its children in its event loop). */
  const ended = async (pid: number) => {
    const until = Date.now() + 20_000;
    while (Date.now() < until) {
      try {
        process.kill(pid, 0);
      } catch {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`process ${pid} is still running`);
  };

  test('one that died at start (a module it preloads is missing) fails the next command with its log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dead-server-'));
    const server = startPythonServer(PYTHON, dir, dir, ['no_such_module_for_the_fork_server']);
    await ended(server.info.pid);
    const previous = process.env[PYTHON_SERVER_VARIABLE];
    process.env[PYTHON_SERVER_VARIABLE] = JSON.stringify(server.info);
    try {
      const started = Date.now();
      await expect(throughTheServer(() => runPython(['-c', 'print("never")']))).rejects.toThrow(
        new RegExp(
          `the Python fork server \\(${PYTHON}, pid ${server.info.pid}\\) has exited; its log \\(${server.info.log}\\):\\n[\\s\\S]*ModuleNotFoundError: No module named 'no_such_module_for_the_fork_server'`,
        ),
      );
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      process.env[PYTHON_SERVER_VARIABLE] = previous;
      await server.stop();
    }
  });

  test('a client waiting for the socket of a server that has exited gives up at once, naming it', () => {
    const { pid } = spawnSync('true');
    const started = Date.now();
    const client = spawnSync(PYTHON, ['-I', '-S', FORK_CLIENT, join(tmpdir(), 'no-such-server.sock'), String(pid), '-c', 'print("never")'], {
      encoding: 'utf8',
    });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(client.status).toBe(SERVER_GONE);
    expect(client.stderr).toBe(`fork_client: the fork server (pid ${pid}) has exited (SEED_PYTHON_FORK_SERVER=0 runs Python directly)\n`);
  });
});
