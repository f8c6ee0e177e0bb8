import { spawnSync } from 'node:child_process';
import { TERRAFORM_BIN } from '../../tools/terraform';

/**
 * `describe` when terraform can run here. Without terraform the suite is skipped on a developer
 * machine, but in CI (CI=true) a missing terraform is a failure, never a skip.
 */
export function describeWithTerraform(name: string, body: () => void): void {
  const available = spawnSync(TERRAFORM_BIN, ['version'], { encoding: 'utf8' }).status === 0;
  if (!available && process.env.CI) throw new Error(`terraform (${TERRAFORM_BIN}) is required in CI but cannot be run`);
  (available ? describe : describe.skip)(name, body);
}
