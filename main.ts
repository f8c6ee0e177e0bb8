import { App } from 'cdktf';
import { ConfigError, loadConfig } from './config/load';
import { SageMakerProjectStack } from './stacks/sagemaker-project-stack';
import { ServiceCatalogStack } from './stacks/service-catalog-stack';

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
  const app = new App();
  // The project stack is synthesized first: the service-catalog stack zips its output.
  new SageMakerProjectStack(app);
  new ServiceCatalogStack(app, config);
  app.synth();
}

main();
