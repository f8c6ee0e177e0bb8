import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchInterrupted, BenchSection, expectedDurationLine, formatRows, parseProcStat, Run, runBench, timed } from '../../tools/bench';
import { median, parseGnuTime, Row } from '../../tools/timing';

describe('bench arithmetic and report', () => {
  test('median of an odd and an even number of runs', () => {
    expect(median([3, 1, 2, 10, 4])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  test('GNU time output (%e %U %S %M) reads as wall and cpu seconds and bytes, after whatever the command printed', () => {
    expect(parseGnuTime('1.27 0.98 0.21 111624\n')).toEqual({ seconds: 1.27, cpuSeconds: 0.98 + 0.21, peakBytes: 111624 * 1024 });
    expect(parseGnuTime('Command exited with non-zero status 1\n30.05 25.50 3.10 1449160\n')).toEqual({
      seconds: 30.05,
      cpuSeconds: 25.5 + 3.1,
      peakBytes: 1449160 * 1024,
    });
    expect(() => parseGnuTime('oops')).toThrow('unexpected GNU time output');
  });

  test('rows line up under their headers', () => {
    const lines = formatRows([{ measure: 'app synth', value: '1.20 s', target: '≤ 3 s', status: 'ok' }]).split('\n');
    expect(lines[0]).toMatch(/^measure\s+figure\s+target\s+status$/);
    expect(lines[1].indexOf('1.20 s')).toBe(lines[0].indexOf('figure'));
    expect(lines[1].indexOf('ok')).toBe(lines[0].indexOf('status'));
  });
});

describe('parseProcStat', () => {
  test('adds user, nice, system, irq and softirq of the aggregate line (idle and iowait are not CPU spent)', () => {
    const stat = 'cpu  1000 20 300 90000 500 7 3 0 0 0\ncpu0 500 10 150 45000 250 4 2 0 0 0\nintr 12345\n';
    expect(parseProcStat(stat)).toBe((1000 + 20 + 300 + 7 + 3) / 100);
    expect(parseProcStat(stat, 1000)).toBe((1000 + 20 + 300 + 7 + 3) / 1000);
    expect(() => parseProcStat('intr 1\n')).toThrow('no aggregate cpu line in /proc/stat');
  });
});

describe('how the bench runs', () => {
  const section = (name: string, expectedSeconds: number, run: BenchSection['run']): BenchSection => ({ name, expectedSeconds, run });
  const row = (measure: string, value: string): Row => ({ measure, value, target: '', status: '' });
  let scratch: string;
  let resultsFile: string;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'bench-test-'));
    resultsFile = join(scratch, 'results', 'bench.txt');
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  test('it states the expected duration, section by section, before it starts', () => {
    const sections = [
      section('synth (5 runs each of 3 commands)', 105, async () => undefined),
      section('test suite (3 runs)', 330, async () => undefined),
      section('Lambda packages', 4, async () => undefined),
    ];
    expect(expectedDurationLine(sections, 'bench-results/bench.txt')).toBe(
      'bench: expect about 7 min on an idle 2-core machine, longer under load (synth (5 runs each of 3 commands) ~2 min, test suite (3 runs) ~6 min, Lambda packages ~4 s). ' +
        'Figures are written to bench-results/bench.txt after every run.',
    );
  });

  test('the results file holds every figure as soon as it is measured, and the final report once done', async () => {
    const seen: string[] = [];
    const report = await runBench(
      [
        section('first', 1, async (update) => {
          update([row('a', '1 s')]);
          seen.push(readFileSync(resultsFile, 'utf8'));
          update([row('a', '1 s'), row('b', '2 s')]);
        }),
        section('second', 1, async (update) => update([row('c', '3 s')])),
      ],
      resultsFile,
      () => 'footer',
    );
    expect(seen[0]).toBe(`${formatRows([row('a', '1 s')])}\n\nfooter\n\nIncomplete: first is being measured; second to come.\n`);
    expect(report).toBe(`${formatRows([row('a', '1 s'), row('b', '2 s'), row('c', '3 s')])}\n\nfooter`);
    expect(readFileSync(resultsFile, 'utf8')).toBe(`${report}\n`);
  });

  test('a failure keeps what was measured, says where it stopped, and removes the temporary folder', async () => {
    let workDir = '';
    const bench = runBench(
      [
        section('first', 1, async (update, context) => {
          workDir = context.workDir;
          writeFileSync(join(workDir, 'leftover.txt'), 'x');
          update([row('a', '1 s')]);
        }),
        section('second', 1, async () => {
          throw new Error('boom');
        }),
        section('third', 1, async (update) => update([row('c', '3 s')])),
      ],
      resultsFile,
      () => 'footer',
    );
    await expect(bench).rejects.toThrow('boom');
    expect(readFileSync(resultsFile, 'utf8')).toBe(
      `${formatRows([row('a', '1 s')])}\n\nfooter\n\nStopped by an error (boom) during second: second, third not (fully) measured.\n`,
    );
    expect(existsSync(workDir)).toBe(false);
  });

  test('Ctrl-C stops it at the next checkpoint, keeping what was measured', async () => {
    const listeners = process.listenerCount('SIGINT');
    const bench = runBench(
      [
        section('first', 1, async (update, context) => {
          update([row('a', '1 s')]);
          process.emit('SIGINT', 'SIGINT');
          await context.checkpoint();
          update([row('never', 'measured')]);
        }),
      ],
      resultsFile,
      () => 'footer',
    );
    await expect(bench).rejects.toBeInstanceOf(BenchInterrupted);
    expect(readFileSync(resultsFile, 'utf8')).toBe(`${formatRows([row('a', '1 s')])}\n\nfooter\n\nInterrupted during first: first not (fully) measured.\n`);
    expect(process.listenerCount('SIGINT')).toBe(listeners);
  });

  (existsSync('/usr/bin/time') ? test : test.skip)('a timed run leaves nothing in the temporary directory once the bench is over', async () => {
    const temporary = mkdtempSync(join(scratch, 'tmp-'));
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = temporary;
    try {
      let measured: Run | undefined;
      await runBench(
        [
          section('node', 1, async (update, context) => {
            measured = timed({ name: 'node', command: ['node', '-e', ''] }, context.workDir);
            update([row('node', `${measured.seconds} s`)]);
          }),
        ],
        resultsFile,
        () => 'footer',
      );
      expect(measured).toMatchObject({ exitCode: 0, seconds: expect.any(Number), peakBytes: expect.any(Number) });
      expect(readdirSync(temporary)).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
    }
  });
});
