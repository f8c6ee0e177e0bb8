import { ProjectVariable } from '@cdktf/provider-gitlab/lib/project-variable';
import { CI_VARIABLES } from '../../../contract/ci-variables';
import { CommonCiValues, ProjectCiVariables } from '../../../constructs/gitlab/project-ci-variables';
import { all, synthScope } from '../../support/synth-scope';

const COMMON: CommonCiValues = {
  SAGEMAKER_PROJECT_NAME: 'churn',
  SAGEMAKER_PROJECT_ID: 'p-abcdefghijkl',
  SAGEMAKER_PROJECT_ARN: 'arn:aws:sagemaker:us-east-1:123456789012:project/churn',
  AWS_REGION: 'us-east-1',
  ARTIFACT_BUCKET: 'acme-p-abcdefghijkl',
  MODEL_PACKAGE_GROUP_NAME: 'churn-p-abcdefghijkl',
  SAGEMAKER_PIPELINE_ROLE_ARN: 'arn:aws:iam::123456789012:role/acme/acme-p-abcdefghijkl-pipeline',
};
const ROLE_ARN = 'arn:aws:iam::123456789012:role/acme/acme-p-abcdefghijkl-ci';

const variablesOf = (tf: any) => Object.values(all(tf, 'gitlab_project_variable')) as any[];

describe('ProjectCiVariables', () => {
  test('oidc mode: one variable per common value and the CI role ARN, on the project given', () => {
    const { tf } = synthScope((scope) => new ProjectCiVariables(scope, 'ci-variables', { projectId: '17', values: COMMON, roleArn: ROLE_ARN }));
    expect(Object.fromEntries(variablesOf(tf).map((variable) => [variable.key, variable.value]))).toEqual({ ...COMMON, [CI_VARIABLES.oidc[0]]: ROLE_ARN });
    for (const variable of variablesOf(tf)) expect(variable.project).toBe('17');
  });

  test('access-keys mode: no role ARN and no key (the seeding function writes the key, masked and protected)', () => {
    const { tf } = synthScope((scope) => new ProjectCiVariables(scope, 'ci-variables', { projectId: '17', values: COMMON }));
    expect(
      variablesOf(tf)
        .map((variable) => variable.key)
        .sort(),
    ).toEqual([...CI_VARIABLES.common].sort());
  });

  test('deploy-only values are set when given', () => {
    const { json } = synthScope(
      (scope) => new ProjectCiVariables(scope, 'ci-variables', { projectId: '18', values: { ...COMMON, DEPLOY_RECORDS_TABLE: 'acme-p-abcdefghijkl-deploys' } }),
    );
    expect(json).toHaveResourceWithProperties(ProjectVariable, { project: '18', key: 'DEPLOY_RECORDS_TABLE', value: 'acme-p-abcdefghijkl-deploys' });
  });

  test('none holds a secret: all are plain, unprotected and raw, so GitLab never expands a $ in them', () => {
    const { tf, built } = synthScope((scope) => new ProjectCiVariables(scope, 'ci-variables', { projectId: '17', values: COMMON, roleArn: ROLE_ARN }));
    expect(built.variables).toHaveLength(CI_VARIABLES.common.length + 1);
    for (const variable of variablesOf(tf))
      expect(variable).toMatchObject({ masked: false, protected: false, raw: true, description: 'Set by the sagemaker-project stack' });
  });
});
