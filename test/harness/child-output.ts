import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { CHILD_TIMEOUT_MS, killedMessage } from './child-process';

/** What a child process printed and how it ended. */
export interface ChildOutput {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ChildOutputOptions {
  /**
   * Kills the child after this long and rejects with what it printed: a hung child then fails its
   * test with its output rather than outliving it. @default CHILD_TIMEOUT_MS, as for a synchronous child
   */
  readonly timeoutMs?: number;
  /** The command as the error names it. @default the child's spawn arguments */
  readonly command?: string;
}

/** Collects a spawned child's output until it closes (a child that dies of a signal counts as code 1). */
export function childOutput(child: ChildProcessWithoutNullStreams, options: ChildOutputOptions = {}): Promise<ChildOutput> {
  const timeoutMs = options.timeoutMs ?? CHILD_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    let exited = false;
    let timedOut = false;
    // After the child has exited, its own children may still hold its output open: do not wait for them.
    const fail = () => {
      child.stdout.destroy();
      child.stderr.destroy();
      reject(new Error(killedMessage(options.command ?? child.spawnargs.join(' '), timeoutMs, stdout, stderr)));
    };
    const timer = setTimeout(() => {
      timedOut = true;
      // A child that has exited already (its output held open past the deadline by a child of its own) is failed now: no 'exit' comes.
      if (exited) fail();
      else child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', () => {
      exited = true;
      if (timedOut) fail();
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (!timedOut) resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}
