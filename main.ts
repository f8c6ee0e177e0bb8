import { App } from 'cdktf';
import { loadConfig, PlatformConfig } from './config/load';
import { applyGuardrails } from './guardrails/apply-guardrails';
import { SECURITY_PACK, TENANT_RULES } from './guardrails/security-pack';
import { refusalOfCdktfRun } from './stacks/by-hand';
import { packageProjectStack } from './stacks/project-code';
import { projectStackProps, SAGEMAKER_PROJECT_STACK, SageMakerProjectStack } from './stacks/sagemaker-project-stack';
import { ServiceCatalogStack } from './stacks/service-catalog-stack';

/** Name of the platform stack (`npm run deploy` deploys it; tools/platform.ts). */
export const SERVICE_CATALOG_STACK = 'service-catalog';

/**
 * The app as `cdktf synth` runs it: the project stack (what the runner applies per project, packaged
 * first because the platform stack uploads it and pins its SHA-256) and the platform stack, both
 * checked by the security pack at synth.
 */
export function buildApp(config: PlatformConfig, options: { outdir?: string; seedCodeDir?: string } = {}): App {
  const projectProps = projectStackProps(config, options.seedCodeDir);
  const projectCode = packageProjectStack(projectProps, SECURITY_PACK, TENANT_RULES);
  const app = new App({ outdir: options.outdir });
  new SageMakerProjectStack(app, SAGEMAKER_PROJECT_STACK, projectProps);
  new ServiceCatalogStack(app, SERVICE_CATALOG_STACK, { config, projectCode });
  applyGuardrails(app, SECURITY_PACK, { [SAGEMAKER_PROJECT_STACK]: TENANT_RULES });
  return app;
}

/**
 * Why the app could not be built, as the user reads it. Bad configuration, missing seed code and
 * guardrail findings say what to fix; a stack trace adds nothing there (SMP_DEBUG=1 shows it).
 */
export function failureMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return (process.env.SMP_DEBUG ? error.stack : undefined) ?? error.message;
}

function main(): void {
  const refusal = refusalOfCdktfRun();
  if (refusal) {
    console.error(refusal);
    process.exit(1);
  }
  try {
    buildApp(loadConfig()).synth();
  } catch (error) {
    console.error(failureMessage(error));
    process.exit(1);
  }
}

if (require.main === module) main();
