import type { ChildProcessWithoutNullStreams } from 'node:child_process';

/** What a child process printed and how it ended. */
export interface ChildOutput {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ChildOutputOptions {
  /**
   * Kills the child after this long and rejects with what it printed: a hung child then fails its
   * test with its output rather than outliving it. @default no limit
   */
  readonly timeoutMs?: number;
  /** The command as the error names it. @default the child's spawn arguments */
  readonly command?: string;
}

/** Collects a spawned child's output until it closes (a child that dies of a signal counts as code 1). */
export function childOutput(child: ChildProcessWithoutNullStreams, options: ChildOutputOptions = {}): Promise<ChildOutput> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, options.timeoutMs);
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // After a kill, the child's own children may still hold its output open: do not wait for them.
    child.on('exit', () => {
      if (!timedOut) return;
      child.stdout.destroy();
      child.stderr.destroy();
      const command = options.command ?? child.spawnargs.join(' ');
      reject(new Error(`${command} did not finish within ${options.timeoutMs! / 1000} s and was killed; it printed:\n${stdout}\n${stderr}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (!timedOut) resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}
