import { App } from 'cdktf';
import { loadConfig, PlatformConfig } from './config/load';
import { applyGuardrails } from './guardrails/apply-guardrails';
import { SECURITY_PACK } from './guardrails/security-pack';
import { projectStackProps, SageMakerProjectStack } from './stacks/sagemaker-project-stack';
import { ServiceCatalogStack } from './stacks/service-catalog-stack';

/** The app as `cdktf synth` runs it: both stacks, checked by the security pack at synth. */
export function buildApp(config: PlatformConfig, options: { outdir?: string } = {}): App {
  const app = new App(options);
  // The project stack is synthesized first: the service-catalog stack zips its output.
  new SageMakerProjectStack(app, projectStackProps(config));
  new ServiceCatalogStack(app, config);
  applyGuardrails(app, SECURITY_PACK);
  return app;
}

function main(): void {
  try {
    buildApp(loadConfig()).synth();
  } catch (error) {
    // Bad configuration, missing seed code and guardrail findings say what to fix; a stack trace adds
    // nothing there (SMP_DEBUG=1 shows it).
    console.error(process.env.SMP_DEBUG ? (error as Error).stack : (error as Error).message);
    process.exit(1);
  }
}

if (require.main === module) main();
