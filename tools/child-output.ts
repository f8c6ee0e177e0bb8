import type { ChildProcessWithoutNullStreams } from 'node:child_process';

/** What a child process printed and how it ended. */
export interface ChildOutput {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Collects a spawned child's output until it closes (a child that dies of a signal counts as code 1). */
export function childOutput(child: ChildProcessWithoutNullStreams): Promise<ChildOutput> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
