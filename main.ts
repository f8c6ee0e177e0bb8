import { App } from 'cdktf';
import { ConfigError, loadConfig, PlatformConfig } from './config/load';
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
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const app = buildApp(config);
  try {
    app.synth();
  } catch (error) {
    // Guardrail findings fail synth here: their message is the list to fix, a stack trace adds nothing.
    console.error((error as Error).message);
    process.exit(1);
  }
}

if (require.main === module) main();
