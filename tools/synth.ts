/**
 * `npm run synth`: the app run directly, writing every stack to cdktf.out/ as `cdktf synth` does,
 * without the cdktf CLI around it. The CLI (0.21) adds nothing the app does not do itself, and costs:
 * a spinner frame per line when its output is not a terminal and CI is unset, each line a failing
 * app writes to stderr printed twice, and a `terraform version` call that prints the CLI
 * configuration's warnings. `npm run deploy|diff|destroy|output` synthesize through this too.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { TerraformStack } from 'cdktf';
import { loadConfig } from '../config/load';
import { buildApp, failureMessage } from '../main';

/** Where the cdktf CLI reads the synthesized stacks (cdktf.json has no "output"): relative to the project root. */
export const OUTDIR = 'cdktf.out';

/**
 * Synthesizes the app from the configuration into `outdir` and returns the names of its stacks.
 * Stack folders of an earlier synth that the app no longer has are removed, as the CLI removes them.
 */
export function synthesize(outdir: string): string[] {
  const app = buildApp(loadConfig(), { outdir });
  app.synth();
  const stacks = app.node.children.filter((child) => TerraformStack.isStack(child)).map((stack) => stack.node.id);
  const stacksDir = join(outdir, 'stacks');
  const orphans = existsSync(stacksDir) ? readdirSync(stacksDir).filter((name) => !stacks.includes(name)) : [];
  for (const orphan of orphans) rmSync(join(stacksDir, orphan), { recursive: true, force: true });
  return stacks;
}

/** Synthesizes into `outdir`, printing the stacks written, or why nothing could be (then exits 1). */
export function synthesizeOrExit(outdir: string): string[] {
  try {
    const stacks = synthesize(outdir);
    console.log(`Synthesized ${stacks.join(', ')} into ${relative(process.cwd(), join(outdir, 'stacks')) || '.'}/`);
    return stacks;
  } catch (error) {
    console.error(failureMessage(error));
    process.exit(1);
  }
}

if (require.main === module) synthesizeOrExit(process.env.CDKTF_OUTDIR ?? OUTDIR);
