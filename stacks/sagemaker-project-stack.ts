import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { projectNames } from '../constructs/sagemaker-project/names';
import { ProjectVariables } from '../constructs/sagemaker-project/project-variables';
import { SecureBucket } from '../constructs/storage/secure-bucket';
import { PartialS3Backend } from '../constructs/terraform/partial-s3-backend';

/** Directory name of the synthesized stack, zipped into tf-code.zip. */
export const SAGEMAKER_PROJECT_STACK = 'sagemaker-project';

/**
 * What CommandRunner applies for every SageMaker project: one synthesized artifact, parameterised
 * only by Terraform variables, with a state key per project given at `terraform init`.
 */
export class SageMakerProjectStack extends TerraformStack {
  readonly variables: ProjectVariables;

  constructor(scope: Construct) {
    super(scope, SAGEMAKER_PROJECT_STACK);
    new PartialS3Backend(this);
    this.variables = new ProjectVariables(this, 'variables');
    const projectName = this.variables.value('sagemaker_project_name');
    const projectId = this.variables.value('sagemaker_project_id');

    // Region and credentials come from the runner's environment (AWS_REGION, instance profile).
    new AwsProvider(this, 'aws', {
      defaultTags: [{ tags: { 'sagemaker:project-name': projectName, 'sagemaker:project-id': projectId } }],
    });

    const names = projectNames(projectName, projectId);
    const artifactBucket = new SecureBucket(this, 'artifact-bucket', { bucketName: names.artifactBucket });

    new TerraformOutput(this, 'artifact_bucket', {
      value: artifactBucket.bucketName,
      description: 'Bucket of the project\'s pipeline artifacts, model data and deploy state',
    });
  }
}
