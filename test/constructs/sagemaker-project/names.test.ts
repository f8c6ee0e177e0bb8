import { TerraformOutput, TerraformVariable } from 'cdktf';
import { LONGEST_PROJECT_NAME_SUFFIX } from '../../../config/names';
import { NAME_LIMITS, projectNames, SEED_ROLE_SUFFIX } from '../../../constructs/sagemaker-project/names';
import { synthScope } from '../../support/synth-scope';

const PROJECT_ID = 'p-abcdefghijkl';

describe('projectNames', () => {
  const names = projectNames('acme-dev-mlops-', 'churn', PROJECT_ID, { build: 'given-build', deploy: 'given-deploy' });

  test('AWS names start with <platform prefix><project id>; SageMaker names keep the project name; endpoints start with the id', () => {
    expect(names).toMatchObject({
      prefix: 'acme-dev-mlops-p-abcdefghijkl',
      artifactBucket: 'acme-dev-mlops-p-abcdefghijkl',
      deployRecordsTable: 'acme-dev-mlops-p-abcdefghijkl-deploys',
      triggerTokenSecret: 'acme-dev-mlops/p-abcdefghijkl/deploy-trigger-token',
      seedFunction: 'acme-dev-mlops-p-abcdefghijkl-seed-code',
      deployTriggerFunction: 'acme-dev-mlops-p-abcdefghijkl-deploy-trigger',
      approvalRule: 'acme-dev-mlops-p-abcdefghijkl-model-approved',
      deployFailureQueue: 'acme-dev-mlops-p-abcdefghijkl-deploy-trigger-failures',
      ciIdentity: 'acme-dev-mlops-p-abcdefghijkl-ci',
      pipelineRole: 'acme-dev-mlops-p-abcdefghijkl-pipeline',
      seedRole: `acme-dev-mlops-p-abcdefghijkl${SEED_ROLE_SUFFIX}`,
      deployTriggerRole: 'acme-dev-mlops-p-abcdefghijkl-deploy-trigger',
      modelPackageGroup: 'churn-p-abcdefghijkl',
      pipeline: 'churn-p-abcdefghijkl',
      endpointPrefix: 'p-abcdefghijkl-',
      buildCodeRepository: 'churn-p-abcdefghijkl-model-build',
      deployCodeRepository: 'churn-p-abcdefghijkl-model-deploy',
    });
  });

  test('with the longest project name and an id, every name fixed by the prefix fits its AWS limit', () => {
    const longest = projectNames('acme-dev-mlops-', 'x'.repeat(32), PROJECT_ID, { build: '', deploy: '' });
    expect(longest.artifactBucket.length).toBeLessThanOrEqual(NAME_LIMITS.bucket);
    for (const name of [longest.seedFunction, longest.deployTriggerFunction]) expect(name.length).toBeLessThanOrEqual(NAME_LIMITS.lambdaFunction);
    for (const name of [longest.ciIdentity, longest.pipelineRole, longest.seedRole, longest.deployTriggerRole])
      expect(name.length).toBeLessThanOrEqual(NAME_LIMITS.iamRole);
    expect(longest.approvalRule.length).toBeLessThanOrEqual(NAME_LIMITS.eventRule);
    expect(longest.deployFailureQueue.length).toBeLessThanOrEqual(NAME_LIMITS.sqsQueue);
  });

  test("no IAM role or Lambda function name adds more after the prefix than config/names.ts's limit check assumes", () => {
    for (const name of [names.seedFunction, names.deployTriggerFunction, names.ciIdentity, names.pipelineRole, names.seedRole, names.deployTriggerRole])
      expect(name.length - names.prefix.length).toBeLessThanOrEqual(LONGEST_PROJECT_NAME_SUFFIX.length);
  });

  test('repository names are the ones given, or <project name>-model-build/-deploy when empty (decided at plan)', () => {
    const { tf } = synthScope((scope) => {
      const build = new TerraformVariable(scope, 'git_build_repo_name', { type: 'string' });
      const derived = projectNames('acme-', 'churn', PROJECT_ID, { build: build.stringValue, deploy: '' });
      new TerraformOutput(scope, 'build', { value: derived.buildRepository });
      new TerraformOutput(scope, 'deploy', { value: derived.deployRepository });
    });
    expect(tf.output.build.value).toBe('${(length(var.git_build_repo_name) < 1) ? "churn-model-build" : var.git_build_repo_name}');
    expect(tf.output.deploy.value).toBe('${(length("") < 1) ? "churn-model-deploy" : ""}');
  });
});
