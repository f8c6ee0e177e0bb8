/**
 * `spawnSync` and `execFileSync` with a deadline, for tests that run a child and wait for it.
 *
 * A synchronous child blocks the jest worker, so jest's own test timeout cannot end a hung one:
 * the run would wait silently. Every child started through these functions is killed after
 * CHILD_TIMEOUT_MS unless the caller sets its own `timeout`, and a killed child fails its test with
 * the command and what it printed. Import them instead of node:child_process's in tests.
 */
import * as childProcess from 'node:child_process';

/** How long a synchronous child may run: well under the integration tests' timeout (jest.config.js). */
export const CHILD_TIMEOUT_MS = 90_000;

/** The command as an error names it. */
const describe = (command: string, args: readonly string[]) =>
  [command, ...args].map((part) => (/^[\w./:=@+-]+$/.test(part) ? part : JSON.stringify(part))).join(' ');

/** The failure of a child killed for outliving its deadline (`command` as the error names it), with what it printed. */
export const killedMessage = (command: string, timeoutMs: number, stdout: unknown, stderr: unknown): string =>
  `${command} did not finish within ${timeoutMs / 1000} s and was killed; it printed:\n${String(stdout ?? '')}\n${String(stderr ?? '')}`;

function split(argsOrOptions: unknown, maybeOptions: unknown): { args: readonly string[]; options: Record<string, unknown> } {
  return Array.isArray(argsOrOptions)
    ? { args: argsOrOptions, options: (maybeOptions as Record<string, unknown>) ?? {} }
    : { args: [], options: (argsOrOptions as Record<string, unknown>) ?? {} };
}

/** node:child_process spawnSync, killed after CHILD_TIMEOUT_MS (or `options.timeout`); throws when killed for taking too long. */
export const spawnSync = ((command: string, argsOrOptions?: unknown, maybeOptions?: unknown) => {
  const { args, options } = split(argsOrOptions, maybeOptions);
  const timeout = (options.timeout as number | undefined) ?? CHILD_TIMEOUT_MS;
  const result = childProcess.spawnSync(command, args, { ...options, timeout, killSignal: 'SIGKILL' });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT')
    throw new Error(killedMessage(describe(command, args), timeout, result.stdout, result.stderr));
  return result;
}) as typeof childProcess.spawnSync;

/** node:child_process execFileSync, killed after CHILD_TIMEOUT_MS (or `options.timeout`), with the command named when it was. */
export const execFileSync = ((command: string, argsOrOptions?: unknown, maybeOptions?: unknown) => {
  const { args, options } = split(argsOrOptions, maybeOptions);
  const timeout = (options.timeout as number | undefined) ?? CHILD_TIMEOUT_MS;
  try {
    return childProcess.execFileSync(command, args, { ...options, timeout, killSignal: 'SIGKILL' });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stdout?: unknown; stderr?: unknown };
    if (failure.code === 'ETIMEDOUT') throw new Error(killedMessage(describe(command, args), timeout, failure.stdout, failure.stderr), { cause: error });
    throw error;
  }
}) as typeof childProcess.execFileSync;
