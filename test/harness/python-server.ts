/**
 * The Python fork server of the seed-code tests (fork_server.py): started once per run by jest's
 * global setup, shared by every worker, stopped by the global teardown.
 *
 * The global setup does not wait for the server's imports (a second or two): the first command
 * waits for its socket in fork_client.py instead, while other tests run. A server that has died
 * (at start, say, because a module is missing) fails the next command at once with the server's
 * log, instead of leaving every command to wait for a socket that will never appear.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { alive } from './run-directory';

/** Environment variable holding the running server (JSON ServerInfo): set by the global setup, read by the workers. */
export const PYTHON_SERVER_VARIABLE = 'TEST_HARNESS_PYTHON_SERVER';
const FORK_SERVER = join(__dirname, 'fork_server.py');
export const FORK_CLIENT = join(__dirname, 'fork_client.py');
/** fork_client.py's exit code when the server is gone (it prints why on stderr). */
export const SERVER_GONE = 75;

/**
 * Modules the server imports once for every command (what the seed scripts and the stub driver
 * import; a fresh interpreter spends about a second of CPU on them).
 */
const PRELOADED = ['numpy', 'pandas', 'xgboost', 'boto3', 'botocore.stub'];

/** Where the server listens, who it is, and where it writes what it prints. */
export interface ServerInfo {
  readonly python: string;
  readonly socket: string;
  readonly pid: number;
  readonly log: string;
}

/** The interpreter's environment: it never writes bytecode, so no __pycache__ lands in seed-code/. */
export const pythonEnvironment = (): NodeJS.ProcessEnv => ({ ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONNOUSERSITE: '1', PYTHONPATH: '' });

/** Starts the server of `python` in a folder of `parent`, working directory `cwd`, importing `preload`; stop() ends it. */
export function startPythonServer(python: string, parent: string, cwd: string, preload: string[] = PRELOADED): { info: ServerInfo; stop(): Promise<void> } {
  const dir = join(parent, 'python-fork-server');
  mkdirSync(dir, { recursive: true });
  const socket = join(dir, 'server.sock');
  const log = join(dir, 'server.log');
  const logFd = openSync(log, 'a');
  // The server ends when its stdin closes: on stop(), or when this process ends however it ends.
  const server: ChildProcess = spawn(python, [FORK_SERVER, socket, ...preload], { cwd, env: pythonEnvironment(), stdio: ['pipe', logFd, logFd] });
  closeSync(logFd);
  if (server.pid === undefined) throw new Error(`cannot start the Python fork server with ${python}`);
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  return {
    info: { python, socket, pid: server.pid, log },
    async stop() {
      server.stdin?.end();
      await exited;
    },
  };
}

/** The server of this run for `python`, when one is running and commands should use it. */
export function pythonServer(python: string, env: NodeJS.ProcessEnv = process.env): ServerInfo | undefined {
  if (env.SEED_PYTHON_FORK_SERVER === '0' || !env[PYTHON_SERVER_VARIABLE]) return undefined;
  const info = JSON.parse(env[PYTHON_SERVER_VARIABLE]!) as ServerInfo;
  return info.python === python ? info : undefined;
}

/** Throws, with the server's log, when the server is no longer running. */
export function assertServerAlive(info: ServerInfo): void {
  if (alive(info.pid)) return;
  const log = existsSync(info.log) ? readFileSync(info.log, 'utf8').trim() : '(no log)';
  throw new Error(
    `the Python fork server (${info.python}, pid ${info.pid}) has exited; its log (${info.log}):\n${log}\nSEED_PYTHON_FORK_SERVER=0 runs every command in a fresh interpreter.`,
  );
}

/** The arguments that run `python ARGS...` through the server. */
export const clientArguments = (info: ServerInfo, args: string[]): string[] => ['-I', '-S', FORK_CLIENT, info.socket, String(info.pid), ...args];
