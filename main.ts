import { App } from 'cdktf';
import { ConfigError, loadConfig } from './config/load';
import { projectStackProps, SageMakerProjectStack } from './stacks/sagemaker-project-stack';
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
  new SageMakerProjectStack(app, projectStackProps(config));
  new ServiceCatalogStack(app, config);
  app.synth();
}

main();
