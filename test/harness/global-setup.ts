/**
 * Jest global setup of the constructs project: this run's temporary directory (TMPDIR for the
 * workers and everything they start) and a quiet environment. The integration project's setup
 * (integration-setup.ts) does the same first; whichever runs first makes the directory.
 */
import { openRunDirectory } from './run-directory';

/** What every test process inherits; returns the run directory. */
export function prepareEnvironment(): string {
  const runDir = openRunDirectory();
  // The tests run the AWS SDK on the machine's Node (20): its notice that later SDK releases need
  // Node 22 is about the machine, not about the code under test (the functions run on nodejs22.x).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.CHECKPOINT_DISABLE = '1';
  return runDir;
}

export default function globalSetup(): void {
  prepareEnvironment();
}
