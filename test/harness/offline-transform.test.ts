import { mapInterpolations } from '../../guardrails/terraform-text';
import { removeUninstallableProviders } from './offline-transform';

const stack = {
  terraform: { required_providers: { aws: { source: 'hashicorp/aws' }, gitlab: { source: 'gitlabhq/gitlab' } } },
  provider: { aws: [{}], gitlab: [{ token: '${data.aws_secretsmanager_secret_version.token.secret_string}' }] },
  resource: {
    gitlab_project: { build: { name: 'build' } },
    aws_sagemaker_code_repository: {
      build: {
        git_config: { repository_url: '${gitlab_project.build.http_url_to_repo}' },
        depends_on: ['gitlab_project.build', 'aws_s3_bucket.artifacts'],
      },
    },
    aws_lambda_invocation: { seed: { input: '${jsonencode({"project" = gitlab_project.build.id, "bucket" = aws_s3_bucket.artifacts.id})}' } },
    aws_s3_bucket: { artifacts: { bucket: 'literal-$${not-a-reference}' } },
    terraform_data: { wait: { input: 'x' } },
  },
  data: { archive_file: { code: { type: 'zip' } } },
};

describe('offline transform', () => {
  const result = removeUninstallableProviders(stack as any, { standIns: { 'gitlab_project.build.http_url_to_repo': 'https://gitlab.invalid/build.git' } });
  const config = result.config as any;

  test('removes the providers that cannot be installed, and reports them and their objects', () => {
    expect(result.removedProviders).toEqual(['archive', 'gitlab']);
    expect(result.removedAddresses).toEqual(['data.archive_file.code', 'gitlab_project.build']);
    expect(Object.keys(config.terraform.required_providers)).toEqual(['aws']);
    expect(Object.keys(config.provider)).toEqual(['aws']);
    expect(config.resource.gitlab_project).toBeUndefined();
    expect(config.data.archive_file).toBeUndefined();
  });

  test('keeps every object of installable providers and built-ins', () => {
    expect(Object.keys(config.resource).sort()).toEqual(['aws_lambda_invocation', 'aws_s3_bucket', 'aws_sagemaker_code_repository', 'terraform_data']);
  });

  test('replaces references to removed objects by stand-ins, given or generated', () => {
    expect(config.resource.aws_sagemaker_code_repository.build.git_config.repository_url).toBe('${"https://gitlab.invalid/build.git"}');
    expect(config.resource.aws_lambda_invocation.seed.input).toBe(
      '${jsonencode({"project" = "offline-stand-in:gitlab_project.build.id", "bucket" = aws_s3_bucket.artifacts.id})}',
    );
    expect(result.replacedReferences).toEqual(['gitlab_project.build.http_url_to_repo', 'gitlab_project.build.id']);
  });

  test('drops dependencies on removed objects and keeps the others', () => {
    expect(config.resource.aws_sagemaker_code_repository.build.depends_on).toEqual(['aws_s3_bucket.artifacts']);
  });

  test('leaves escaped literals and the input untouched', () => {
    expect(config.resource.aws_s3_bucket.artifacts.bucket).toBe('literal-$${not-a-reference}');
    expect(stack.resource.gitlab_project.build.name).toBe('build');
  });
});

describe('mapInterpolations', () => {
  test('maps each interpolation, with nested braces and quoted braces', () => {
    const seen: string[] = [];
    const text = 'a-${x.y}-${jsonencode({"k" = "}"})}-$${literal}';
    expect(mapInterpolations(text, (expression) => (seen.push(expression), 'E'))).toBe('a-${E}-${E}-$${literal}');
    expect(seen).toEqual(['x.y', 'jsonencode({"k" = "}"})']);
  });
});
