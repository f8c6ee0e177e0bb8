import { formatRows, median, parseGnuTime, parseProcStat } from '../../tools/bench';

describe('bench arithmetic and report', () => {
  test('median of an odd and an even number of runs', () => {
    expect(median([3, 1, 2, 10, 4])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  test('GNU time output (%e %U %S %M) reads as wall and cpu seconds and bytes, after whatever the command printed', () => {
    expect(parseGnuTime('1.27 0.98 0.21 111624\n')).toEqual({ seconds: 1.27, cpuSeconds: 0.98 + 0.21, peakBytes: 111624 * 1024 });
    expect(parseGnuTime('Command exited with non-zero status 1\n30.05 25.50 3.10 1449160\n')).toEqual({ seconds: 30.05, cpuSeconds: 25.5 + 3.1, peakBytes: 1449160 * 1024 });
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
