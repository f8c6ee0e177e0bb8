import { PROJECT_PARAMETERS } from '../../constructs/command-runner/project-parameters';
import { byPath, refTo, synthApp } from '../support/synth';

const { sagemakerProject: stack } = synthApp();
const contractVariables = PROJECT_PARAMETERS.flatMap((parameter) => (parameter.variable ? [parameter.variable] : []));

describe('sagemaker-project stack: contract and backend', () => {
  test('declares exactly the contract variables, each typed, described and validated', () => {
    expect(Object.keys(stack.variable).sort()).toEqual([...contractVariables].sort());
    for (const name of contractVariables) {
      const variable = stack.variable[name];
      expect(variable.type).toBe('string');
      expect(variable.nullable).toBe(false);
      expect(variable.description).toMatch(/\(CloudFormation parameter [A-Za-z]+\)\.$/);
      expect(variable.validation.length).toBeGreaterThan(0);
      for (const rule of variable.validation) expect(rule.error_message).toMatch(/^[A-Z].*\.$/);
    }
  });

  test('the repository names may be empty and the project name and id may not', () => {
    expect(stack.variable.git_build_repo_name.default).toBe('');
    expect(stack.variable.git_deploy_repo_name.default).toBe('');
    expect(stack.variable.sagemaker_project_name.default).toBeUndefined();
    expect(stack.variable.sagemaker_project_id.default).toBeUndefined();
  });

  test('uses a partial S3 backend that terraform init completes per project', () => {
    expect(stack.terraform.backend).toEqual({ s3: {} });
  });

  test('tags every AWS resource with the SageMaker project name and id', () => {
    expect(stack.provider.aws[0].default_tags).toEqual([
      { tags: { 'sagemaker:project-name': '${var.sagemaker_project_name}', 'sagemaker:project-id': '${var.sagemaker_project_id}' } },
    ]);
    expect(stack.provider.aws[0].region).toBeUndefined();
  });

  test('creates the artifact bucket sagemaker-project-<project id> with secure defaults', () => {
    expect(byPath(stack, 'aws_s3_bucket', 'artifact-bucket/bucket').bucket).toBe('sagemaker-project-${var.sagemaker_project_id}');
    const bucketId = refTo(stack, 'aws_s3_bucket', 'artifact-bucket/bucket', 'id');
    expect(byPath(stack, 'aws_s3_bucket_public_access_block', 'artifact-bucket/public-access-block')).toMatchObject({
      bucket: bucketId,
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(byPath(stack, 'aws_s3_bucket_versioning', 'artifact-bucket/versioning').versioning_configuration).toEqual({ status: 'Enabled' });
    expect(byPath(stack, 'aws_s3_bucket_server_side_encryption_configuration', 'artifact-bucket/encryption').rule[0].apply_server_side_encryption_by_default).toEqual({
      sse_algorithm: 'AES256',
    });
    expect(byPath(stack, 'aws_s3_bucket_policy', 'artifact-bucket/policy').bucket).toBe(bucketId);
  });
});
