import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { CONTEXT_ENV } from 'cdktf';
import { APPLIED_BY_THE_RUNNER } from '../contract/runner';
import { SAGEMAKER_PROJECT_STACK } from './sagemaker-project-stack';

/** cdktf CLI commands (and their aliases) that run Terraform on the stacks they name. */
const STACK_COMMANDS = new Set(['deploy', 'apply', 'destroy', 'diff', 'plan', 'output', 'outputs', 'watch']);

/** cdktf CLI options that take the next argument as their value (unless written `--name=value`). */
const VALUE_OPTIONS = new Set([
  '--app',
  '-a',
  '--output',
  '-o',
  '--outputs-file',
  '--parallelism',
  '--terraform-parallelism',
  '--var',
  '--var-file',
  '--log-level',
]);

/**
 * Where the stack names and patterns are among the arguments of a cdktf command: the positional
 * arguments, values of options skipped.
 */
export function positionalIndexes(args: readonly string[]): number[] {
  const indexes: number[] = [];
  for (let index = 0; index < args.length; index++) {
    if (VALUE_OPTIONS.has(args[index])) index++;
    else if (!args[index].startsWith('-')) indexes.push(index);
  }
  return indexes;
}

/** The stack names and patterns among the arguments of a cdktf command. */
const stackPatterns = (args: readonly string[]): string[] => positionalIndexes(args).map((index) => args[index]);

/** Whether a cdktf stack pattern (a name, or a glob with `*` and `?`, as the CLI matches them) selects `stack`. */
export function patternSelects(pattern: string, stack: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(stack);
}

/**
 * The refusal of a cdktf command line (the arguments after `cdktf`) that runs Terraform on the
 * sagemaker-project stack, or undefined when it does not.
 */
export function refusalOf(cdktfArgs: readonly string[]): string | undefined {
  const [command, ...rest] = cdktfArgs;
  if (!STACK_COMMANDS.has(command)) return undefined;
  const selects = stackPatterns(rest).some((pattern) => patternSelects(pattern, SAGEMAKER_PROJECT_STACK));
  return selects ? `cdktf ${command} ${SAGEMAKER_PROJECT_STACK}: refused. ${APPLIED_BY_THE_RUNNER}` : undefined;
}

/** A process's arguments and parent: from /proc where there is one, else from `ps`; undefined when neither answers. */
function processInfo(pid: number): { argv: string[]; parent: number } | undefined {
  if (existsSync(`/proc/${pid}/cmdline`)) {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .filter((arg) => arg !== '');
    const parent = Number(/^PPid:\s*(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return { argv, parent };
  }
  const ps = spawnSync('ps', ['-o', 'ppid=', '-o', 'args=', '-p', String(pid)], { encoding: 'utf8' });
  const match = ps.status === 0 ? /^\s*(\d+)\s+(.*)$/.exec(ps.stdout.trim()) : null;
  return match ? { parent: Number(match[1]), argv: match[2].split(/\s+/) } : undefined;
}

/**
 * The arguments of the cdktf CLI that runs this app, found among its parent processes (the CLI runs the
 * app through a shell), or undefined when the app is not run by the CLI or they cannot be read.
 */
function cdktfArguments(): string[] | undefined {
  // The CLI sets the context variable for every app it runs: without it, this is no CLI run.
  if (process.env[CONTEXT_ENV] === undefined) return undefined;
  let pid = process.ppid;
  for (let depth = 0; depth < 4 && pid > 1; depth++) {
    const info = processInfo(pid);
    if (!info) return undefined;
    const cli = info.argv.findIndex((arg) => /(^|[/\\])cdktf(\.js)?$/.test(arg));
    if (cli >= 0) return info.argv.slice(cli + 1);
    pid = info.parent;
  }
  return undefined;
}

/**
 * Why the app refuses to be synthesized for the command the cdktf CLI runs it for: `npx cdktf deploy
 * sagemaker-project` (or diff, destroy, output, a pattern matching it) would otherwise start with the
 * partial S3 backend asking for a bucket name, and never say that the runner applies that stack. The
 * CLI does not tell the app its command, so it is read from the CLI's process; where it cannot be
 * read, the stack's own validation still refuses the plan (constructs/sagemaker-project/project-variables.ts).
 */
export function refusalOfCdktfRun(): string | undefined {
  const args = cdktfArguments();
  return args && refusalOf(args);
}
