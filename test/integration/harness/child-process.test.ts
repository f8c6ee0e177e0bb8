/** Children the tests wait for are killed before jest's own timeout, and fail their test with what they printed. */
import { spawn } from 'node:child_process';
import { childOutput } from '../../harness/child-output';
import { CHILD_TIMEOUT_MS, execFileSync, spawnSync } from '../../harness/child-process';

const { testTimeout } = require('../../../jest.config.js') as { testTimeout: number };

describe('children with a deadline', () => {
  test("the default deadline of a synchronous child is shorter than a test's timeout", () => {
    expect(CHILD_TIMEOUT_MS).toBeLessThan(testTimeout);
  });

  test('spawnSync kills a child that outlives its deadline and throws with the command and its output', () => {
    const started = Date.now();
    expect(() => spawnSync('sh', ['-c', 'echo started; exec sleep 30'], { encoding: 'utf8', timeout: 300 })).toThrow(
      'sh -c "echo started; exec sleep 30" did not finish within 0.3 s and was killed; it printed:\nstarted\n',
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test('execFileSync does the same', () => {
    expect(() => execFileSync('sleep', ['30'], { timeout: 300 })).toThrow('sleep 30 did not finish within 0.3 s and was killed');
  });

  test('a child that finishes in time is returned as node returns it', () => {
    const result = spawnSync('sh', ['-c', 'echo out; echo err >&2; exit 3'], { encoding: 'utf8' });
    expect([result.status, result.stdout, result.stderr]).toEqual([3, 'out\n', 'err\n']);
    expect(execFileSync('echo', ['fine'], { encoding: 'utf8' })).toBe('fine\n');
  });

  test('an asynchronous child past its deadline is killed and rejects with what it printed', async () => {
    const child = spawn('sh', ['-c', 'echo started; sleep 3']);
    const started = Date.now();
    await expect(childOutput(child, { timeoutMs: 300, command: 'the sleeper' })).rejects.toThrow(
      'the sleeper did not finish within 0.3 s and was killed; it printed:\nstarted\n',
    );
    expect(child.signalCode).toBe('SIGKILL');
    // The shell's own child (sleep) keeps the output open for 3 s more: the failure does not wait for it.
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('an asynchronous child that exited but whose own child holds its output past the deadline rejects at the deadline', async () => {
    const child = spawn('sh', ['-c', 'echo started; sleep 3 &']);
    const started = Date.now();
    await expect(childOutput(child, { timeoutMs: 300, command: 'the parent' })).rejects.toThrow(
      'the parent did not finish within 0.3 s and was killed; it printed:\nstarted\n',
    );
    expect(child.exitCode).toBe(0);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
