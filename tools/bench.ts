/**
 * `npm run bench`: how fast the app is to work with, measured, never asserted.
 *
 * It first states how long it should take (from the run counts), then measures section by section,
 * rewriting bench-results/bench.txt after every run: Ctrl-C keeps what was measured. Its temporary
 * folders are removed however it ends.
 *
 * Median of BENCH_RUNS (default 5) runs (BENCH_TEST_RUNS, default 3, for the test suite), each timed
 * with GNU time (wall time and the peak resident set size of the largest process of the run), of: the
 * app synth process, `npm run synth` (the app run by npm, tools/synth.ts), the full test suite (its
 * target: ≤ 90 s as a median of 3), and, interleaved with the app synth so both see the same machine
 * load, a baseline that loads the provider packages through their barrels and type-checks as it loads
 * (ts-node without transpile-only). Then the sizes of the bundled Lambda archives and of tf-code.zip,
 * and terraform init with and without the plugin cache. Figures are compared with the targets and
 * printed; being over a target never fails the run, because a shared machine makes single figures noisy.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { bundleLambda } from '../constructs/sagemaker-project/lambda-bundle';
import { packageSeedCode, seedCodeFingerprint, seedManifest } from '../lambda/seed-code/seed-files';
import { latencyRows, measureInit } from './runner-latency';
import { formatTable } from './table';
import { GNU_TIME, gnuTimeArguments, median, parseGnuTime, Row, seconds } from './timing';

const ROOT = join(__dirname, '..');
const RESULTS_DIR = join(ROOT, 'bench-results');
const MB = 1024 * 1024;

/** One timed run. */
export interface Run {
  /** Wall time. */
  readonly seconds: number;
  /** User + system CPU time of the run's processes: less sensitive than wall time to other load. */
  readonly cpuSeconds: number;
  /**
   * CPU time used on the whole machine during the run (/proc/stat; undefined where there is none):
   * unlike cpuSeconds it includes helpers the run starts but does not wait for (the tests'
   * provider servers and Python fork server), and anything else running.
   */
  readonly machineCpuSeconds?: number;
  /** Peak resident set size of the largest process of the run. */
  readonly peakBytes: number;
  readonly exitCode: number;
}

/** CPU seconds the machine has spent (user, nice, system, irq, softirq) from /proc/stat's `cpu` line. */
export function parseProcStat(text: string, ticksPerSecond = 100): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith('cpu '));
  if (!line) throw new Error('no aggregate cpu line in /proc/stat');
  const [user, nice, system, , , irq, softirq] = line.trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq) / ticksPerSecond;
}

function machineCpu(): number | undefined {
  return existsSync('/proc/stat') ? parseProcStat(readFileSync('/proc/stat', 'utf8')) : undefined;
}

/** What one measurement is, how to run it, and the targets it is compared with. */
export interface Measure {
  readonly name: string;
  /** Command and arguments, run from the project root. */
  readonly command: string[];
  /** Extra environment. @default none */
  readonly env?: NodeJS.ProcessEnv;
  /** Target for the median wall time. @default none */
  readonly maxSeconds?: number;
  /** Target for the median peak memory. @default none */
  readonly maxBytes?: number;
}

/** One run of `measure` under GNU time, which writes its figures into `workDir`. */
export function timed(measure: Measure, workDir: string): Run {
  const timeFile = join(workDir, 'time.txt');
  const machineBefore = machineCpu();
  const result = spawnSync(GNU_TIME, gnuTimeArguments(timeFile, measure.command), {
    cwd: ROOT,
    env: { ...process.env, ...measure.env },
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 64 * MB,
  });
  if (result.error) throw new Error(`${measure.name}: cannot run ${GNU_TIME} (install the Debian package "time"): ${result.error.message}`);
  // Ctrl-C reaches the measured command too (GNU time then reports its exit, 130 = 128 + SIGINT): it
  // ends the bench, and the cut-short run is no figure.
  if (result.signal === 'SIGINT' || result.status === 130) throw new BenchInterrupted();
  const machineAfter = machineCpu();
  const machineCpuSeconds = machineBefore === undefined || machineAfter === undefined ? undefined : machineAfter - machineBefore;
  const run = { ...parseGnuTime(readFileSync(timeFile, 'utf8')), machineCpuSeconds, exitCode: result.status ?? 1 };
  if (run.exitCode !== 0) process.stderr.write(`${measure.name} exited ${run.exitCode}:\n${result.stderr.toString().slice(-2000)}\n`);
  return run;
}

/** Provider packages the baseline imports through their barrels. */
const BARREL_PACKAGES = ['aws', 'gitlab'];

/** The project's tsconfig with ts-node's swc transpiler off, so that the baseline type-checks. */
const BASELINE_TSCONFIG = 'tsconfig.baseline.json';

/**
 * The baseline entry: the same app, synthesized after loading the provider packages (BARREL_PACKAGES)
 * through their barrels, written where ts-node finds the project's tsconfig (bench-results/ is
 * ignored by git and tsc).
 */
function writeBaselineEntry(): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(
    join(RESULTS_DIR, BASELINE_TSCONFIG),
    `${JSON.stringify({ extends: '../tsconfig.json', 'ts-node': { swc: false, transpileOnly: false } }, null, 2)}\n`,
  );
  const path = join(RESULTS_DIR, 'barrel-baseline.ts');
  writeFileSync(
    path,
    [
      // The barrels on purpose: this file is the slow baseline the app is compared with.
      ...BARREL_PACKAGES.map((name) => `import * as ${name} from '@cdktf/provider-${name}';`),
      "import { loadConfig } from '../config/load';",
      "import { buildApp } from '../main';",
      '',
      `void [${BARREL_PACKAGES.join(', ')}];`,
      'buildApp(loadConfig()).synth();',
      '',
    ].join('\n'),
  );
  return relative(ROOT, path);
}

/** Zip archives the stacks carry as assets (the bundled Lambdas), with their sizes. */
function assetArchives(outdir: string): Array<{ name: string; bytes: number }> {
  const found: Array<{ name: string; bytes: number }> = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.zip')) found.push({ name: relative(outdir, path), bytes: statSync(path).size });
    }
  };
  if (existsSync(join(outdir, 'stacks'))) walk(join(outdir, 'stacks'));
  return found;
}

/** tf-code.zip as the runners download it: the asset synth packaged into the service-catalog stack. */
function tfCodeZip(archives: Array<{ name: string; bytes: number }>): { bytes: number; how: string } | undefined {
  const packaged = archives.find((archive) => archive.name.includes('terraform-code-file'));
  return packaged && { bytes: packaged.bytes, how: packaged.name };
}

/**
 * Each function's bundled handler (index.js, as synth packages it): its size, and the median time a
 * fresh node takes to require it, the AWS SDK included (found through NODE_PATH, as the Lambda
 * runtime provides it).
 */
export function lambdaHandlerRows(runs: number): Row[] {
  const seedRoot = join(ROOT, 'seed-code');
  const manifest = seedManifest(seedRoot);
  const handlers = {
    'deploy-trigger': bundleLambda(join(ROOT, 'lambda', 'deploy-trigger', 'handler.ts')),
    'seed-code': bundleLambda(join(ROOT, 'lambda', 'seed-code', 'handler.ts'), {
      fingerprint: seedCodeFingerprint(manifest),
      write: (dir) => packageSeedCode(seedRoot, dir, manifest),
    }),
  };
  return Object.entries(handlers).flatMap(([name, { dir }]) => {
    const file = join(dir, 'index.js');
    const coldMs = Array.from({ length: Math.max(runs, 5) }, () => {
      const timing = `const t = process.hrtime.bigint(); require(${JSON.stringify(file)}); console.log(Number(process.hrtime.bigint() - t) / 1e6)`;
      const run = spawnSync('node', ['--no-warnings', '-e', timing], {
        encoding: 'utf8',
        env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules'), AWS_REGION: 'us-east-1' },
      });
      return Number(run.stdout.trim());
    });
    const kb = statSync(file).size / 1024;
    const cold = median(coldMs);
    return [
      {
        measure: `Lambda handler ${name}: index.js`,
        value: `${kb.toFixed(0)} KB (AWS SDK from the runtime)`,
        target: '≤ 100 KB',
        status: kb <= 100 ? 'ok' : 'over target',
      },
      {
        measure: `Lambda handler ${name}: cold require (median of ${coldMs.length})`,
        value: `${cold.toFixed(0)} ms (${Math.min(...coldMs).toFixed(0)}-${Math.max(...coldMs).toFixed(0)} ms)`,
        target: '≤ 150 ms',
        status: cold <= 150 ? 'ok' : 'over target',
      },
    ];
  });
}

const megabytes = (bytes: number) => `${Math.round(bytes / MB)} MB`;

/**
 * Runs every measure `runs` times, interleaved so that load from other processes falls on all of them
 * alike, and hands the runs so far to `measured` after each one.
 */
async function measureAll(measures: Measure[], runs: number, context: SectionContext, measured: (results: Map<Measure, Run[]>) => void): Promise<void> {
  const results = new Map<Measure, Run[]>(measures.map((measure) => [measure, []]));
  for (let round = 1; round <= runs; round++) {
    for (const measure of measures) {
      const run = timed(measure, context.workDir);
      results.get(measure)!.push(run);
      const machine = run.machineCpuSeconds === undefined ? '' : `, machine cpu ${seconds(run.machineCpuSeconds)}`;
      process.stderr.write(
        `  ${measure.name} run ${round}/${runs}: ${seconds(run.seconds)} (cpu ${seconds(run.cpuSeconds)}${machine}), ${megabytes(run.peakBytes)}\n`,
      );
      measured(results);
      await context.checkpoint();
    }
  }
}

function measureRow(measure: Measure, runs: Run[]): Row {
  const wall = median(runs.map((run) => run.seconds));
  const peak = median(runs.map((run) => run.peakBytes));
  const over = (measure.maxSeconds !== undefined && wall > measure.maxSeconds) || (measure.maxBytes !== undefined && peak > measure.maxBytes);
  const failed = runs.filter((run) => run.exitCode !== 0).length;
  const targets = [
    measure.maxSeconds !== undefined ? `≤ ${measure.maxSeconds} s` : '',
    measure.maxBytes !== undefined ? `≤ ${megabytes(measure.maxBytes)}` : '',
  ].filter(Boolean);
  return {
    measure: `${measure.name} (median of ${runs.length})`,
    value:
      `${seconds(wall)}, peak ${megabytes(peak)} (wall ${seconds(Math.min(...runs.map((run) => run.seconds)))}-${seconds(Math.max(...runs.map((run) => run.seconds)))}, ` +
      `cpu ${seconds(median(runs.map((run) => run.cpuSeconds)))}` +
      (runs.every((run) => run.machineCpuSeconds !== undefined) ? `, machine cpu ${seconds(median(runs.map((run) => run.machineCpuSeconds!)))})` : ')'),
    target: targets.join(', '),
    status: failed > 0 ? `${failed} run(s) failed` : targets.length === 0 ? '' : over ? 'over target' : 'ok',
  };
}

export function formatRows(rows: Row[]): string {
  return formatTable([['measure', 'figure', 'target', 'status'], ...rows.map((row) => [row.measure, row.value, row.target, row.status])]).join('\n');
}

/** Thrown when Ctrl-C stops the bench: what was measured is kept, the temporary folder is removed. */
export class BenchInterrupted extends Error {
  constructor() {
    super('interrupted');
  }
}

/** What a section gets: a temporary folder (removed after the bench), and a point where Ctrl-C stops it. */
export interface SectionContext {
  readonly workDir: string;
  /** Resolves unless Ctrl-C was pressed since the bench started; then rejects with BenchInterrupted. */
  checkpoint(): Promise<void>;
}

/** One part of the bench. */
export interface BenchSection {
  readonly name: string;
  /** Wall seconds on the idle 2-core development machine: what the duration stated before the bench is made of. */
  readonly expectedSeconds: number;
  /** Measures, handing every row measured so far to `report` as soon as it has them. */
  run(report: (rows: Row[]) => void, context: SectionContext): Promise<void>;
}

const duration = (totalSeconds: number) => (totalSeconds < 90 ? `${Math.round(totalSeconds)} s` : `${Math.round(totalSeconds / 60)} min`);

/** What the bench says before it starts: how long it should take, section by section, and where its figures go. */
export function expectedDurationLine(sections: readonly BenchSection[], resultsFile: string): string {
  const total = sections.reduce((sum, section) => sum + section.expectedSeconds, 0);
  return (
    `bench: expect about ${duration(total)} on an idle 2-core machine, longer under load ` +
    `(${sections.map((section) => `${section.name} ~${duration(section.expectedSeconds)}`).join(', ')}). ` +
    `Figures are written to ${resultsFile} after every run.`
  );
}

/**
 * Runs the sections in order. The results file is rewritten with every row measured so far each time
 * a section reports, so a bench stopped by Ctrl-C (or a failure) keeps what it measured; the note at
 * its end says when it is incomplete. The temporary folder is removed however the bench ends.
 * Resolves with the final report.
 */
export async function runBench(sections: readonly BenchSection[], resultsFile: string, footer: () => string): Promise<string> {
  const workDir = mkdtempSync(join(tmpdir(), 'bench-'));
  const rows = new Map<string, Row[]>();
  let interrupted = false;
  const onInterrupt = () => {
    interrupted = true;
  };
  process.on('SIGINT', onInterrupt);
  const context: SectionContext = {
    workDir,
    // Signal handlers run between turns of the event loop: give them one before looking.
    checkpoint: async () => {
      await new Promise((resolve) => setImmediate(resolve));
      if (interrupted) throw new BenchInterrupted();
    },
  };
  const write = (note?: string) => {
    const report = [formatRows(sections.flatMap((section) => rows.get(section.name) ?? [])), '', footer(), ...(note ? ['', note] : [])].join('\n');
    mkdirSync(dirname(resultsFile), { recursive: true });
    writeFileSync(resultsFile, `${report}\n`);
    return report;
  };
  let current = 0;
  try {
    for (; current < sections.length; current++) {
      const section = sections[current];
      const pending = sections.slice(current + 1).map((next) => next.name);
      await section.run((measured) => {
        rows.set(section.name, measured);
        write(`Incomplete: ${section.name} is being measured${pending.length > 0 ? `; ${pending.join(', ')} to come` : ''}.`);
      }, context);
      await context.checkpoint();
    }
    return write();
  } catch (error) {
    const stopped = error instanceof BenchInterrupted ? 'Interrupted' : `Stopped by an error (${(error as Error).message})`;
    write(
      `${stopped} during ${sections[current].name}: ${sections
        .slice(current)
        .map((section) => section.name)
        .join(', ')} not (fully) measured.`,
    );
    throw error;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** The targets the bench compares its figures with (README, Performance). */
export const TARGETS = {
  app: { maxSeconds: 1.5, maxBytes: 250 * MB },
  synth: { maxSeconds: 8 },
  suite: { maxSeconds: 90 },
} as const;

/**
 * Wall seconds of one run of each measure on the idle 2-core development machine (README, Performance):
 * what the duration stated before a bench is made of.
 */
export const TYPICAL_SECONDS: Record<string, number> = {
  'app synth process': 1.2,
  'baseline: barrels + type-checking': 10,
  'npm run synth': 1.3,
  'full test suite': 85,
};

/** Typical wall seconds of the parts that are not measures, on the same machine. */
const TYPICAL = {
  /** One fresh node requiring one bundled handler (each is required max(BENCH_RUNS, 5) times). */
  handlerRequireSeconds: 0.4,
  /** One cold and one warm terraform init of the aws provider from the packed mirror. */
  initPairSeconds: 10,
  /** Packing the aws provider of the mirror, once (kept in bench-results/ for later benches). */
  packMirrorSeconds: 20,
};

async function main(): Promise<void> {
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  // The suite's target is a median of 3 runs; each run takes minutes.
  const testRuns = Number(process.env.BENCH_TEST_RUNS ?? 3);
  const initRuns = Number(process.env.BENCH_INIT_RUNS ?? 3);
  const outdir = join(ROOT, 'cdktf.out');
  const startLoad = loadavg();
  // The app as cdktf.json runs it: ts-node with its swc transpiler (tsconfig.json "ts-node"), no type-checking.
  const app: Measure = { name: 'app synth process', command: ['node', '--require', 'ts-node/register', 'main.ts'], ...TARGETS.app };
  const baseline: Measure = {
    name: 'baseline: barrels + type-checking',
    command: ['node', '--require', 'ts-node/register', writeBaselineEntry()],
    // ts-node with the TypeScript compiler, type-checking as it loads (BASELINE_TSCONFIG turns swc off).
    env: { CDKTF_OUTDIR: mkdtempSync(join(tmpdir(), 'bench-baseline-')), TS_NODE_PROJECT: join(RESULTS_DIR, BASELINE_TSCONFIG) },
  };
  const cli: Measure = { name: 'npm run synth', command: ['npm', 'run', '--silent', 'synth'], ...TARGETS.synth };
  const tests: Measure = { name: 'full test suite', command: ['npx', 'jest', '--silent'], ...TARGETS.suite };
  const handlerCount = 2;

  const sections: BenchSection[] = [
    {
      name: `synth (${runs} runs each of 3 commands)`,
      expectedSeconds: runs * (TYPICAL_SECONDS[app.name] + TYPICAL_SECONDS[baseline.name] + TYPICAL_SECONDS[cli.name]),
      run: async (report, context) => {
        try {
          await measureAll([app, baseline, cli], runs, context, (results) => {
            const rows = [...results].filter(([, measured]) => measured.length > 0).map(([measure, measured]) => measureRow(measure, measured));
            const [appRuns, baselineRuns] = [results.get(app)!, results.get(baseline)!];
            if (appRuns.length > 0 && baselineRuns.length > 0) {
              const ratio = median(baselineRuns.map((run) => run.seconds)) / median(appRuns.map((run) => run.seconds));
              rows.splice(2, 0, {
                measure: 'app synth speed-up over the baseline',
                value: `${ratio.toFixed(1)}x`,
                target: '≥ 3x',
                status: ratio >= 3 ? 'ok' : 'over target',
              });
            }
            report(rows);
          });
        } finally {
          rmSync(baseline.env!.CDKTF_OUTDIR!, { recursive: true, force: true });
        }
      },
    },
    {
      name: `test suite (${testRuns} runs)`,
      expectedSeconds: testRuns * TYPICAL_SECONDS[tests.name],
      run: (report, context) => measureAll([tests], testRuns, context, (results) => report([measureRow(tests, results.get(tests)!)])),
    },
    {
      name: 'Lambda packages',
      expectedSeconds: handlerCount * Math.max(runs, 5) * TYPICAL.handlerRequireSeconds,
      run: async (report) => {
        const rows: Row[] = [];
        const archives = assetArchives(outdir);
        const lambdaBundles = archives.filter((archive) => !archive.name.includes('terraform-code-file'));
        for (const bundle of lambdaBundles) {
          rows.push({
            measure: `Lambda bundle ${bundle.name}`,
            value: `${(bundle.bytes / 1024).toFixed(0)} KB zipped`,
            target: '≤ 1 MB',
            status: bundle.bytes <= MB ? 'ok' : 'over target',
          });
        }
        if (lambdaBundles.length === 0)
          rows.push({ measure: 'Lambda bundles', value: 'none in cdktf.out (no stack bundles a Lambda yet)', target: '≤ 1 MB each', status: '' });
        rows.push(...lambdaHandlerRows(runs));
        const tfCode = tfCodeZip(archives);
        rows.push({
          measure: 'tf-code.zip',
          value: tfCode ? `${(tfCode.bytes / 1024).toFixed(1)} KB (${tfCode.how})` : 'not available (synth or zip missing)',
          target: '',
          status: '',
        });
        report(rows);
      },
    },
    {
      // Runner engines: terraform init with and without the plugin cache, and each engine's creation-latency budget.
      name: `terraform init (${initRuns} runs of each kind) and runner latency`,
      expectedSeconds: initRuns * TYPICAL.initPairSeconds + TYPICAL.packMirrorSeconds,
      run: async (report) => report(latencyRows(measureInit(RESULTS_DIR, initRuns))),
    },
  ];

  const resultsFile = join(RESULTS_DIR, 'bench.txt');
  process.stderr.write(`${expectedDurationLine(sections, relative(ROOT, resultsFile))}\n`);
  process.stderr.write(`bench: ${cpus().length} cores, load average ${startLoad.map((load) => load.toFixed(2)).join(' ')}\n`);
  const footer = () =>
    `${cpus().length} cores; load average ${startLoad.map((load) => load.toFixed(2)).join(' ')} at start, ${loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')} at end ` +
    '(other processes on the machine slow every figure alike; the ratio is taken from interleaved runs). ' +
    'Peak memory is the largest single process of a run (GNU time, ru_maxrss); cpu is user + system time of all its processes; ' +
    'machine cpu is all CPU time the machine spent during the run (/proc/stat), helpers the run does not wait for included.';
  try {
    console.log(await runBench(sections, resultsFile, footer));
  } catch (error) {
    if (!(error instanceof BenchInterrupted)) throw error;
    process.stderr.write(`bench: interrupted; what was measured is in ${relative(ROOT, resultsFile)}\n`);
    process.exitCode = 130;
  }
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
