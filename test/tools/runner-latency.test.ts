import { latencyBudget, latencyRows } from '../../tools/runner-latency';

const measured = { coldInit: { seconds: 6.4, cpuSeconds: 3.1 }, warmInit: { seconds: 2.5, cpuSeconds: 1.5 }, providerArchiveBytes: 148_046_548, runs: 3 };

describe('runner creation-latency budget', () => {
  test('the CodeBuild engine uses the warm init and the CommandRunner engine the cold one, as measured', () => {
    const budget = latencyBudget(measured);
    expect(budget.codebuild.find((step) => step.step.startsWith('terraform init'))).toMatchObject({
      low: 2.5,
      high: 2.5,
      source: 'measured here (median of 3)',
    });
    expect(budget.commandrunner.find((step) => step.step.startsWith('terraform init'))).toMatchObject({
      low: 6.4,
      high: 6.4,
      step: expect.stringContaining('aws provider (148 MB)'),
    });
  });

  test("each engine's total is the sum of its steps; CommandRunner never answers before its first poll at 90 s", () => {
    const rows = latencyRows(measured);
    const total = (engine: string) => rows.find((row) => row.measure === `${engine}: Studio "Create" → project ready`)!;
    const budget = latencyBudget(measured);
    const sum = (engine: 'codebuild' | 'commandrunner', end: 'low' | 'high') => budget[engine].reduce((all, step) => all + step[end], 0);
    expect(total('codebuild').value).toBe(`${sum('codebuild', 'low').toFixed(0)}-${sum('codebuild', 'high').toFixed(0)} s`);
    expect(total('codebuild').target).toBe('≤ 180 s');
    expect(total('codebuild').status).toBe(sum('codebuild', 'high') <= 180 ? 'ok' : 'over target');
    expect(total('commandrunner').value).toBe(`${Math.max(90, sum('commandrunner', 'low')).toFixed(0)}-${sum('commandrunner', 'high').toFixed(0)} s`);
  });

  test('without a mirror the init rows say so instead of showing a figure', () => {
    const rows = latencyRows({ runs: 0 });
    expect(rows[0]).toMatchObject({ measure: 'terraform init aws provider, no cache (median of 0)', value: 'not measured (no provider mirror or zip)' });
    expect(latencyBudget({ runs: 0 }).codebuild.find((step) => step.step.startsWith('terraform init'))!.source).toBe(
      'not measured on this machine (no provider mirror)',
    );
  });
});
