import { spawnSync } from '../../harness/child-process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CI_VARIABLES } from '../../../contract/ci-variables';
import {
  DEFAULT_STAGE,
  evaluateRule,
  jobNames,
  pipelineCreated,
  resolveJob,
  scriptLines,
  shellWords,
  variablesDefinedBy,
  variablesReadIn,
  variableValue,
} from './support/gitlab-ci';
import { describedPackage, GROUP, packageArn } from './support/model-packages';
import { BUILD_REPO, callWithStubbedAws, ciConfig, DEPLOY_REPO, SEED_REPOS } from './support/seed';

/** Every variable the sagemaker-project stack sets or the deploy trigger passes. */
const CONTRACT = new Set<string>(Object.values(CI_VARIABLES).flat());
const GITLAB_PREDEFINED = /^(CI|GITLAB)_/;

/** Values the project stack would set, plus the GitLab variables the jobs read. */
const CI_ENV: Record<string, string> = {
  SAGEMAKER_PROJECT_NAME: 'abalone-demo',
  SAGEMAKER_PROJECT_ID: 'p-abcdefghijkl',
  SAGEMAKER_PROJECT_ARN: 'arn:aws:sagemaker:us-east-1:123456789012:project/abalone-demo',
  AWS_REGION: 'us-east-1',
  ARTIFACT_BUCKET: 'example-dev-mlops-p-abcdefghijkl',
  MODEL_PACKAGE_GROUP_NAME: GROUP,
  SAGEMAKER_PIPELINE_ROLE_ARN: 'arn:aws:iam::123456789012:role/service-role/AmazonSageMakerServiceCatalogProductsUseRole',
  CI_PIPELINE_ID: '4242',
  CI_PIPELINE_URL: 'https://gitlab.example.com/ml-team/abalone-demo-build/-/pipelines/4242',
  CI_COMMIT_SHA: '0123456789abcdef0123456789abcdef01234567',
  CI_PROJECT_ID: '77',
  CI_JOB_ID: '9001',
};

/** The one script line of `job` that starts with `command`. */
function commandLine(job: Record<string, any>, command: string): string {
  const lines = scriptLines(job).filter((line) => line.trim().startsWith(command));
  expect(lines).toHaveLength(1);
  return lines[0].trim();
}

/** Runs a job's scripts in sh with these variables, then prints the AWS settings they leave. */
function runBeforeScript(job: Record<string, any>, variables: Record<string, string>) {
  const report = 'printf "\\nrole=%s\\ntoken=%s\\nregion=%s\\n" "${AWS_ROLE_ARN:-}" "$(cat "${AWS_WEB_IDENTITY_TOKEN_FILE:-/dev/null}")" "${AWS_DEFAULT_REGION:-}"';
  const script = [...[].concat(job.before_script), report].join('\n');
  return spawnSync('sh', ['-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH, TMPDIR: mkdtempSync(join(tmpdir(), 'ci-')), ...variables } });
}

describe.each(Object.entries(SEED_REPOS))('%s/.gitlab-ci.yml', (_name, repo) => {
  const config = ciConfig(repo);
  const jobs = Object.fromEntries(jobNames(config).map((name) => [name, resolveJob(config, name)]));

  test('every job extends existing templates and runs in a declared stage', () => {
    expect(Object.keys(jobs).length).toBeGreaterThan(0);
    for (const [name, job] of Object.entries(jobs)) {
      expect({ name, stage: config.stages.includes(job.stage ?? DEFAULT_STAGE) }).toEqual({ name, stage: true });
      expect(scriptLines(job).length).toBeGreaterThan(0);
    }
  });

  test('needs and dependencies point at jobs of an earlier or the same stage', () => {
    const stageIndex = (name: string) => config.stages.indexOf(jobs[name].stage ?? DEFAULT_STAGE);
    for (const [name, job] of Object.entries(jobs)) {
      const upstream = [...(job.needs ?? []).map((need: string | { job: string }) => (typeof need === 'string' ? need : need.job)), ...(job.dependencies ?? [])];
      for (const other of upstream) {
        expect({ job: name, needs: other, exists: other in jobs }).toEqual({ job: name, needs: other, exists: true });
        expect(stageIndex(other)).toBeLessThanOrEqual(stageIndex(name));
      }
    }
  });

  test('reads only variables the project stack sets, GitLab predefines, or the file defines', () => {
    const globalVariables = new Set(Object.keys(config.variables ?? {}));
    const unknown: string[] = [];
    const check = (where: string, read: Set<string>, defined: Set<string>) => {
      for (const name of read) if (!CONTRACT.has(name) && !GITLAB_PREDEFINED.test(name) && !globalVariables.has(name) && !defined.has(name)) unknown.push(`${where}: $${name}`);
    };
    check('workflow', variablesReadIn(config.workflow), new Set());
    check('variables', variablesReadIn(config.variables), new Set());
    for (const [name, job] of Object.entries(jobs)) check(name, variablesReadIn(job), variablesDefinedBy(job));
    expect(unknown).toEqual([]);
  });

  test('its scripts pass shellcheck as POSIX sh', () => {
    for (const [name, job] of Object.entries(jobs)) {
      const result = spawnSync('shellcheck', ['--shell=sh', '--severity=style', '-'], { input: scriptLines(job).join('\n'), encoding: 'utf8' });
      if (result.error) throw result.error;
      expect({ job: name, findings: result.stdout }).toEqual({ job: name, findings: '' });
    }
  });

  describe('AWS credentials', () => {
    const credentials = config['.aws-credentials'];

    test('every job that talks to AWS gets them', () => {
      for (const job of Object.values(jobs)) expect(job.before_script).toEqual(credentials.before_script);
    });

    test('oidc mode: the GitLab ID token (audience = the GitLab URL) is written to the file AWS SDKs read', () => {
      expect(credentials.id_tokens).toEqual({ OIDC_ID_TOKEN: { aud: '$CI_SERVER_URL' } });
      const run = runBeforeScript(credentials, { ...CI_ENV, AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/gitlab-ci', OIDC_ID_TOKEN: 'eyJ.token.sig' });
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('role=arn:aws:iam::123456789012:role/gitlab-ci\ntoken=eyJ.token.sig\nregion=us-east-1\n');
      expect(`${run.stdout}${run.stderr}`.match(/eyJ\.token\.sig/g)).toHaveLength(1);
    });

    test('access-keys mode: the masked key variables are used as they are', () => {
      const run = runBeforeScript(credentials, { ...CI_ENV, AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' });
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('role=\ntoken=\nregion=us-east-1\n');
      expect(run.stdout).not.toContain('secret');
    });

    test('neither: the job stops with a message saying which variables are missing', () => {
      const run = runBeforeScript(credentials, CI_ENV);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('the SageMaker project sets AWS_ROLE_ARN or AWS_ACCESS_KEY_ID on this GitLab project');
    });
  });
});

describe('both repositories', () => {
  test('authenticate with the very same credentials template', () => {
    expect(ciConfig(DEPLOY_REPO)['.aws-credentials']).toEqual(ciConfig(BUILD_REPO)['.aws-credentials']);
  });
});

const SOURCES = ['push', 'web', 'api', 'trigger', 'schedule', 'merge_request_event', 'pipeline'];
const sourcesCreatingPipelines = (config: Record<string, any>, branch: string) =>
  SOURCES.filter((source) => pipelineCreated(config, { CI_PIPELINE_SOURCE: source, CI_DEFAULT_BRANCH: 'main', ...(branch ? { CI_COMMIT_BRANCH: branch } : {}) }));

describe('model-build pipeline', () => {
  const config = ciConfig(BUILD_REPO);
  const job = resolveJob(config, 'run-pipeline');

  test('runs on pushes to the default branch (the seed commit included) and when started by hand there; nowhere else', () => {
    expect(sourcesCreatingPipelines(config, 'main')).toEqual(['push', 'web']);
    expect(sourcesCreatingPipelines(config, 'feature/x')).toEqual([]);
    expect(sourcesCreatingPipelines(config, '')).toEqual([]);
  });

  test('passes the CLI the project values it accepts, and waits less long than GitLab lets the job run', () => {
    const argv = shellWords(commandLine(job, 'python -m pipelines.run_pipeline'), CI_ENV).slice(3);
    const parsed = callWithStubbedAws({ sysPath: [BUILD_REPO], module: 'pipelines.run_pipeline', function: 'parse_args', args: [argv] });
    expect(parsed.log).toBe('');
    expect(parsed.result).toMatchObject({
      region: 'us-east-1',
      role_arn: CI_ENV.SAGEMAKER_PIPELINE_ROLE_ARN,
      artifact_bucket: CI_ENV.ARTIFACT_BUCKET,
      project_name: 'abalone-demo',
      project_id: 'p-abcdefghijkl',
      model_package_group: GROUP,
      execution_display_name: 'gitlab-4242',
    });
    expect(parsed.result.execution_description).toContain(CI_ENV.CI_COMMIT_SHA);
    const jobTimeoutMinutes = Number(/^(\d+)h$/.exec(job.timeout)?.[1]) * 60;
    expect(parsed.result.timeout_minutes).toBeLessThan(jobTimeoutMinutes);
  });
});

describe('model-deploy pipeline', () => {
  const config = ciConfig(DEPLOY_REPO);
  const jobs = Object.fromEntries(jobNames(config).map((name) => [name, resolveJob(config, name)]));

  test('runs only when the deploy trigger (its trigger token) or a person (web) starts it on the default branch; never on push', () => {
    expect(sourcesCreatingPipelines(config, 'main')).toEqual(['web', 'trigger']);
    expect(sourcesCreatingPipelines(config, 'feature/x')).toEqual([]);
    expect(sourcesCreatingPipelines(config, '')).toEqual([]);
  });

  test('goes claim -> build -> deploy and test staging -> deploy prod', () => {
    expect(config.stages).toEqual(['claim', 'build', 'staging', 'deploy-prod']);
    const needs = (job: Record<string, any>) => (job.needs ?? []).map((need: string | { job: string }) => (typeof need === 'string' ? need : need.job));
    expect(Object.fromEntries(Object.entries(jobs).map(([name, job]) => [name, [job.stage, needs(job)]]))).toEqual({
      'claim-deploy': ['claim', []],
      'build-stage-variables': ['build', ['claim-deploy']],
      'deploy-and-test-staging': ['staging', ['build-stage-variables']],
      'deploy-prod': ['deploy-prod', ['build-stage-variables', 'deploy-and-test-staging']],
    });
  });

  test('the first job claims the approval with the variables the deploy trigger and the project set', () => {
    const claim = jobs['claim-deploy'];
    expect(commandLine(claim, 'python scripts/claim_deploy.py')).toBe('python scripts/claim_deploy.py');
    const read = new Set(['DEPLOY_RECORDS_TABLE', 'MODEL_PACKAGE_ARN', 'DEPLOY_REQUEST_ID', 'CI_PIPELINE_ID', 'CI_PIPELINE_URL', 'AWS_REGION']);
    const script = readFileSync(join(DEPLOY_REPO, 'scripts', 'claim_deploy.py'), 'utf8');
    for (const name of read) expect(script).toContain(`"${name}"`);
    for (const name of read) expect(CONTRACT.has(name) || GITLAB_PREDEFINED.test(name)).toBe(true);
  });

  test('the prod deployment waits for a person, and blocks the pipeline until then', () => {
    const prod = jobs['deploy-prod'];
    expect(prod.when).toBe('manual');
    expect(prod.allow_failure).toBe(false);
    expect(prod.environment).toEqual({ name: 'production', deployment_tier: 'production' });
    expect(Object.entries(jobs).filter(([, job]) => job.when === 'manual').map(([name]) => name)).toEqual(['deploy-prod']);
  });

  test('what the manual prod job reads never expires before a person plays it; it does not need staging\'s outputs', () => {
    expect(jobs['build-stage-variables'].artifacts.expire_in).toBe('never');
    expect(jobs['deploy-prod'].needs).toContainEqual({ job: 'deploy-and-test-staging', artifacts: false });
  });

  test('staging is deployed and tested under one lock: the test runs in the job that holds the staging resource group', () => {
    const staging = jobs['deploy-and-test-staging'];
    const lines = scriptLines(staging).map((line) => line.trim());
    const apply = lines.findIndex((line) => line.startsWith('terraform -chdir=terraform apply'));
    const check = lines.findIndex((line) => line.startsWith('python3 scripts/check_endpoint.py'));
    expect(apply).toBeGreaterThanOrEqual(0);
    expect(check).toBeGreaterThan(apply);
    expect(shellWords(staging.resource_group, { DEPLOY_STAGE: staging.variables.DEPLOY_STAGE })).toEqual(['staging']);
    expect(Object.entries(jobs).filter(([, job]) => job.resource_group).map(([name]) => name).sort()).toEqual(['deploy-and-test-staging', 'deploy-prod']);
  });

  test('a pipeline variable cannot turn one deploy job into the other stage: each job first checks its own stage', () => {
    for (const [name, stage, other] of [
      ['deploy-and-test-staging', 'staging', 'prod'],
      ['deploy-prod', 'prod', 'staging'],
    ]) {
      const [guard] = [].concat(jobs[name].script);
      const run = (value: string) => spawnSync('sh', ['-c', guard], { encoding: 'utf8', env: { PATH: process.env.PATH, DEPLOY_STAGE: value } });
      expect(run(stage).status).toBe(0);
      const overridden = run(other);
      expect(overridden.status).toBe(1);
      expect(overridden.stderr).toContain(`DEPLOY_STAGE is '${other}'; this job deploys ${stage} only`);
    }
  });

  test('each stage keeps its Terraform state under its own key in the artifact bucket, one deployment at a time', () => {
    const backends = ['deploy-and-test-staging', 'deploy-prod'].map((name) => {
      const job = jobs[name];
      const env = { ...CI_ENV, ...Object.fromEntries(Object.entries(job.variables).map(([key, value]) => [key, variableValue(value)])) };
      const words = shellWords(commandLine(job, 'terraform -chdir=terraform init'), env);
      const resourceGroup = shellWords(job.resource_group, env)[0];
      return { resourceGroup, config: words.filter((word) => word.startsWith('-backend-config=')) };
    });
    expect(backends).toEqual([
      { resourceGroup: 'staging', config: ['-backend-config=bucket=example-dev-mlops-p-abcdefghijkl', '-backend-config=key=model-deploy/staging/terraform.tfstate', '-backend-config=region=us-east-1'] },
      { resourceGroup: 'prod', config: ['-backend-config=bucket=example-dev-mlops-p-abcdefghijkl', '-backend-config=key=model-deploy/prod/terraform.tfstate', '-backend-config=region=us-east-1'] },
    ]);
  });

  test('the build job resolves the package the trigger passed and writes the variables files both deploy jobs read', () => {
    const build = jobs['build-stage-variables'];
    const output = mkdtempSync(join(tmpdir(), 'ci-build-'));
    const argv = shellWords(commandLine(build, 'python scripts/build_stage_variables.py'), { ...CI_ENV, MODEL_PACKAGE_ARN: packageArn(7) }).slice(2);
    const outputDir = argv.indexOf('--output-dir');
    expect(argv[outputDir + 1]).toBe('build');
    argv[outputDir + 1] = output;
    const built = callWithStubbedAws({ sysPath: [join(DEPLOY_REPO, 'scripts')], module: 'build_stage_variables', function: 'main', args: [argv], stubs: { sagemaker: [describedPackage(7)] } });
    expect(built.result).toBe(0);
    expect(build.artifacts.paths).toEqual(['build/']);
    for (const stage of ['staging', 'prod']) {
      const job = jobs[stage === 'prod' ? 'deploy-prod' : 'deploy-and-test-staging'];
      const varFile = shellWords(commandLine(job, 'terraform -chdir=terraform apply'), { ...CI_ENV, DEPLOY_STAGE: job.variables.DEPLOY_STAGE }).find((word) => word.startsWith('-var-file='));
      expect(varFile).toBe(`-var-file=../build/${stage}.tfvars.json`);
      expect(JSON.parse(readFileSync(join(output, `${stage}.tfvars.json`), 'utf8'))).toMatchObject({ stage, model_package_arn: packageArn(7) });
    }
  });

  test('the staging check reads the outputs file the staging deployment writes', () => {
    const staging = jobs['deploy-and-test-staging'];
    const written = shellWords(commandLine(staging, 'terraform -chdir=terraform output -json').replace(/^.*>/, ''), { DEPLOY_STAGE: 'staging' })[0];
    const argv = shellWords(commandLine(staging, 'python3 scripts/check_endpoint.py'), CI_ENV).slice(2);
    expect(argv.slice(argv.indexOf('--terraform-outputs'), argv.indexOf('--terraform-outputs') + 2)).toEqual(['--terraform-outputs', written]);
  });

  test('MODEL_PACKAGE_ARN is offered, empty, in the Run pipeline form', () => {
    expect(config.variables.MODEL_PACKAGE_ARN).toEqual({ value: '', description: expect.stringContaining('latest approved') });
  });
});

describe('rules:if evaluation used by these checks', () => {
  test.each([
    ['$A == "x" && $B == "y" || $C == "z"', { C: 'z' }, true],
    ['$A == "x" && ($B == "y" || $C == "z")', { C: 'z' }, false],
    ['$A != "x"', {}, true],
    ['$A', { A: '' }, false],
    ['$A == $B', { A: 'main', B: 'main' }, true],
    ["$A == 'x'", { A: 'x' }, true],
    ['$A == null', {}, true],
  ])('%s with %j is %s', (expression, variables, expected) => {
    expect(evaluateRule(expression, variables as Record<string, string>)).toBe(expected);
  });

  test('refuses syntax it does not understand rather than guessing', () => {
    expect(() => evaluateRule('$A =~ /x/', {})).toThrow('unsupported rules:if syntax');
  });
});
