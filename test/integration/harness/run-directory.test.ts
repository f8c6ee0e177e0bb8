/** One temporary directory per run: every worker and child writes there, and nothing is left behind. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from '../../harness/child-process';
import { closeRunDirectory, openRunDirectory, RUN_DIR_VARIABLE } from '../../harness/run-directory';

describe('the run directory', () => {
  test('is the temporary directory of the workers and of the children they start', () => {
    const runDir = process.env[RUN_DIR_VARIABLE]!;
    expect(runDir).toMatch(/\/smp-jest-[^/]+$/);
    expect(tmpdir()).toBe(runDir);
    expect(spawnSync('/usr/bin/python3', ['-c', 'import tempfile; print(tempfile.gettempdir())'], { encoding: 'utf8' }).stdout).toBe(`${runDir}\n`);
  });

  describe('made and removed by the global setup and teardown', () => {
    const saved = { ...process.env };
    afterEach(() => {
      for (const name of [RUN_DIR_VARIABLE, 'TMPDIR', 'TEST_HARNESS_ORIGINAL_TMPDIR']) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    });

    test('a run makes its own directory, removes those of killed runs, keeps those of running ones, and leaves nothing', () => {
      const parent = mkdtempSync(join(tmpdir(), 'parent-'));
      const killed = join(parent, 'smp-jest-killed');
      const running = join(parent, 'smp-jest-running');
      const { pid: deadPid } = spawnSync('true');
      for (const [dir, owner] of [
        [killed, deadPid],
        [running, process.pid],
      ] as const) {
        mkdirSync(dir);
        writeFileSync(join(dir, '.owner-pid'), String(owner));
      }
      delete process.env[RUN_DIR_VARIABLE];
      process.env.TMPDIR = parent;

      const dir = openRunDirectory(parent);
      expect(process.env.TMPDIR).toBe(dir);
      expect(openRunDirectory()).toBe(dir);
      expect(readdirSync(parent).sort()).toEqual([dir.slice(parent.length + 1), 'smp-jest-running'].sort());
      writeFileSync(join(dir, 'left-by-a-test'), '');

      closeRunDirectory();
      expect(existsSync(dir)).toBe(false);
      expect(process.env.TMPDIR).toBe(parent);
      expect(process.env[RUN_DIR_VARIABLE]).toBeUndefined();
      rmSync(parent, { recursive: true });
    });
  });
});
