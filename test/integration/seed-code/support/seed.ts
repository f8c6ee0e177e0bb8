import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { ChildOutput, childOutput } from '../../../harness/child-output';
import { spawnSync } from '../../../harness/child-process';
import { SEED_PYTHON } from '../../../harness/prerequisites';
import { assertServerAlive, clientArguments, pythonEnvironment, pythonServer, ServerInfo } from '../../../harness/python-server';

/** The seed code the seed Lambda commits, one directory per GitLab repository. */
export const SEED_ROOT = join(__dirname, '..', '..', '..', '..', 'seed-code');
export const BUILD_REPO = join(SEED_ROOT, 'model-build');
export const DEPLOY_REPO = join(SEED_ROOT, 'model-deploy');
export const SEED_REPOS = { 'model-build': BUILD_REPO, 'model-deploy': DEPLOY_REPO } as const;

/** Interpreter with pandas, scikit-learn, xgboost, boto3 and PyYAML (Debian's, unless SEED_PYTHON says otherwise). */
export const PYTHON = SEED_PYTHON;

const STUB_DRIVER = join(__dirname, 'call_with_stubbed_aws.py');

/** What a Python command printed and how it ended. */
export type PythonResult = ChildOutput;

/**
 * How to run `python ARGS...`: through the run's fork server (test/harness/python-server.ts) or,
 * with SEED_PYTHON_FORK_SERVER=0, in a fresh interpreter. A server that has died fails here, at
 * once, with its log.
 */
function pythonCommand(args: string[]): { args: string[]; server?: ServerInfo } {
  const server = pythonServer(PYTHON);
  if (!server) return { args };
  assertServerAlive(server);
  return { args: clientArguments(server, args), server };
}

/** A command's result, unless the fork server died while running it: then its log is the failure. */
function checked(result: PythonResult, server: ServerInfo | undefined): PythonResult {
  if (server) assertServerAlive(server);
  return result;
}

/** Runs `python ARGS...` with the seed-code interpreter, in `cwd`, killed after CHILD_TIMEOUT_MS. */
export function runPython(args: string[], cwd: string = SEED_ROOT): PythonResult {
  const command = pythonCommand(args);
  const result = spawnSync(PYTHON, command.args, { cwd, encoding: 'utf8', env: pythonEnvironment() });
  if (result.error) throw result.error;
  return checked({ code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr }, command.server);
}

/**
 * runPython without blocking this process, with `env` added: for commands that talk to servers this
 * process runs (e.g. dynalite).
 */
export async function runPythonAsync(args: string[], env: Record<string, string>, cwd: string = SEED_ROOT): Promise<PythonResult> {
  const command = pythonCommand(args);
  const child = spawn(PYTHON, command.args, { cwd, env: { ...pythonEnvironment(), ...env } });
  return checked(await childOutput(child, { command: `${PYTHON} ${args.join(' ')}` }), command.server);
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
