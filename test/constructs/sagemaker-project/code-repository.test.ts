import { SagemakerCodeRepository } from '@cdktf/provider-aws/lib/sagemaker-code-repository';
import { CodeRepository } from '../../../constructs/sagemaker-project/code-repository';
import { configOf, synthScope } from '../../support/synth-scope';

describe('CodeRepository', () => {
  const { json, tf, built } = synthScope(
    (scope) =>
      new CodeRepository(scope, 'build-code-repository', {
        name: 'churn-p-abcdefghijkl-model-build',
        cloneUrl: 'https://gitlab.acme.io/ml-team/churn-model-build.git',
        branch: 'main',
      }),
  );

  test('registers the GitLab repository in SageMaker on its branch, without credentials (each data scientist clones as themselves)', () => {
    expect(json).toHaveResourceWithProperties(SagemakerCodeRepository, {
      code_repository_name: 'churn-p-abcdefghijkl-model-build',
      git_config: { repository_url: 'https://gitlab.acme.io/ml-team/churn-model-build.git', branch: 'main' },
    });
    expect(configOf(tf, built.resource).git_config.secret_arn).toBeUndefined();
  });

  test("its name is checked against SageMaker's 63 characters at plan", () => {
    expect(configOf(tf, built.resource).lifecycle.precondition).toEqual([
      {
        condition: '${(length("churn-p-abcdefghijkl-model-build") <= 63)}',
        error_message:
          'The SageMaker code repository name "churn-p-abcdefghijkl-model-build" is longer than 63 characters: choose a shorter SageMaker project name.',
      },
    ]);
  });
});
