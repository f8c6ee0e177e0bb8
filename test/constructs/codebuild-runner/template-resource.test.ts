import { terraformRunResource } from '../../../constructs/codebuild-runner/template-resource';
import { checkProperties } from '../../../lambda/provision-project/properties';

describe('terraformRunResource', () => {
  const resource = terraformRunResource({
    serviceToken: 'arn:aws:lambda:us-east-1:123456789012:function:f',
    serviceTimeoutSeconds: 1800,
    terraformCodeSha256: 'a'.repeat(64),
    runnerScriptSha256: 'b'.repeat(64),
  });

  test('carries the service token, the timeout, the form parameters as Refs and the fixed checksums', () => {
    expect(resource).toEqual({
      Type: 'Custom::SageMakerProjectTerraform',
      Properties: {
        ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:f',
        ServiceTimeout: 1800,
        SageMakerProjectName: { Ref: 'SageMakerProjectName' },
        SageMakerProjectId: { Ref: 'SageMakerProjectId' },
        GitBuildRepoName: { Ref: 'GitBuildRepoName' },
        GitDeployRepoName: { Ref: 'GitDeployRepoName' },
        TerraformCodeSha256: 'a'.repeat(64),
        RunnerScriptSha256: 'b'.repeat(64),
      },
    });
  });

  test('holds nothing the provisioning function would refuse, as CloudFormation sends it', () => {
    // Refs resolved to form values, numbers as strings.
    const sent = {
      ...resource.Properties,
      ServiceTimeout: '1800',
      SageMakerProjectName: 'churn',
      SageMakerProjectId: 'p-abcdefghijkl',
      GitBuildRepoName: '',
      GitDeployRepoName: '',
    };
    expect(checkProperties(sent).ok).toBe(true);
  });
});
