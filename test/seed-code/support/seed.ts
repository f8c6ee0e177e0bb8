import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { childOutput } from '../../../tools/child-output';
import { processWide } from '../../../tools/process-wide';
import { parse } from 'yaml';

/** The seed code the seed Lambda commits, one directory per GitLab repository. */
export const SEED_ROOT = join(__dirname, '..', '..', '..', 'seed-code');
export const BUILD_REPO = join(SEED_ROOT, 'model-build');
export const DEPLOY_REPO = join(SEED_ROOT, 'model-deploy');
export const SEED_REPOS = { 'model-build': BUILD_REPO, 'model-deploy': DEPLOY_REPO } as const;

/** Interpreter with pandas, scikit-learn, xgboost, boto3 and PyYAML (Debian's, unless SEED_PYTHON says otherwise). */
export const PYTHON = process.env.SEED_PYTHON ?? '/usr/bin/python3';

const STUB_DRIVER = join(__dirname, 'call_with_stubbed_aws.py');

export interface PythonResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The interpreter's environment: it never writes bytecode, so no __pycache__ lands in seed-code/. */
const pythonEnv = (): NodeJS.ProcessEnv => ({ ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONNOUSERSITE: '1', PYTHONPATH: '' });

/**
 * Modules the fork server imports once for every command (what the seed scripts and the stub
 * driver import; a fresh interpreter spends about a second of CPU on them).
 */
const PRELOADED = ['numpy', 'pandas', 'xgboost', 'boto3', 'botocore.stub'];

/**
 * The socket of this process's Python fork server (fork_server.py), started on first use.
 * SEED_PYTHON_FORK_SERVER=0 runs every command in a fresh interpreter instead.
 */
function forkServer(): string | undefined {
  if (process.env.SEED_PYTHON_FORK_SERVER === '0') return undefined;
  return processWide(`python-fork-server:${PYTHON}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'seed-python-'));
    const socket = join(dir, 'server.sock');
    const log = openSync(join(dir, 'server.log'), 'a');
    // The server ends when its stdin closes: when this process ends.
    const server = spawn(PYTHON, [join(__dirname, 'fork_server.py'), socket, ...PRELOADED], { cwd: SEED_ROOT, env: pythonEnv(), stdio: ['pipe', log, log] });
    server.unref();
    (server.stdin as unknown as { unref?: () => void }).unref?.();
    closeSync(log);
    return socket;
  });
}

/**
 * Runs `python ARGS...` with the seed-code interpreter, in `cwd`: through the fork server (the
 * client waits for it to listen) or, with SEED_PYTHON_FORK_SERVER=0, in a fresh interpreter.
 */
export function runPython(args: string[], cwd: string = SEED_ROOT): PythonResult {
  const result = spawnSync(PYTHON, pythonCommand(args), { cwd, encoding: 'utf8', env: pythonEnv() });
  if (result.error) throw result.error;
  return { code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

const pythonCommand = (args: string[]) => {
  const socket = forkServer();
  return socket === undefined ? args : ['-I', '-S', join(__dirname, 'fork_client.py'), socket, ...args];
};

/**
 * runPython without blocking this process, with `env` added: for commands that talk to servers this
 * process runs (e.g. dynalite).
 */
export function runPythonAsync(args: string[], env: Record<string, string>, cwd: string = SEED_ROOT): Promise<PythonResult> {
  return childOutput(spawn(PYTHON, pythonCommand(args), { cwd, env: { ...pythonEnv(), ...env } }));
}

/** A stubbed AWS call: the response, or the error AWS answers; `expected` are the exact request parameters. */
export type StubbedCall =
  | { method: string; expected?: Record<string, unknown>; response: Record<string, unknown> }
  | { method: string; expected?: Record<string, unknown>; error: { code: string; message: string; status?: number } };

export interface StubbedScenario {
  /** Directories put first on sys.path. */
  readonly sysPath: string[];
  /** Dotted module name. */
  readonly module: string;
  readonly function: string;
  /** JSON arguments; `{ $client: 'sagemaker' }` stands for the stubbed client. */
  readonly args?: unknown[];
  readonly kwargs?: Record<string, unknown>;
  readonly stubs?: Record<string, StubbedCall[]>;
}

export interface StubbedOutcome {
  readonly result: any;
  readonly error: { type: string; message: string } | null;
  readonly exit: number | null;
  /** Services whose stubbed responses were not all consumed. */
  readonly pending: string[];
  /** The module's log. */
  readonly log: string;
}

/** Calls a seed-code function with boto3 stubbed by botocore's Stubber (real request/response validation). */
export function callWithStubbedAws(scenario: StubbedScenario): StubbedOutcome {
  const { sysPath, ...rest } = scenario;
  const run = runPython([STUB_DRIVER, JSON.stringify({ sys_path: sysPath, ...rest })]);
  const lastLine = run.stdout.trim().split('\n').pop() ?? '';
  if (run.code !== 0 || !lastLine.startsWith('{')) {
    throw new Error(`stub driver failed (${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
  return { ...JSON.parse(lastLine), log: run.stderr };
}

/** Every file under `dir` (dotfiles included), as paths relative to it. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() || entry.isSymbolicLink())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

/** Every directory under `dir`, as paths relative to it. */
export function directoriesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

/** The parsed `.gitlab-ci.yml` of a seed repository. */
export function ciConfig(repo: string): Record<string, any> {
  return parse(readFileSync(join(repo, '.gitlab-ci.yml'), 'utf8'));
}
