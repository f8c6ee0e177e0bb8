import { parse } from 'yaml';
import { RUNNER_CACHE_DIR, runnerBuildspec, RUNNER_PARAMETER_KEYS } from '../../../constructs/codebuild-runner/buildspec';
import { parametersFor, runnerKeyOf } from '../../../contract/project-parameters';
import { BUILD_EXPORTS, PER_BUILD_KEYS, PROJECT_KEYS } from '../../../contract/provisioner';
import { RUNNER_SETTINGS } from '../../../contract/runner';

const spec = runnerBuildspec();
const buildCommand = (spec.document.phases as any).build.commands[0] as string;

describe('runner buildspec', () => {
  test('is a version 0.2 buildspec in bash that exports the result and the failed step', () => {
    const parsed = parse(spec.yaml);
    expect(parsed).toEqual(spec.document);
    expect(parsed.version).toBe('0.2');
    expect(parsed.env).toEqual({ shell: 'bash', 'exported-variables': [BUILD_EXPORTS.result, BUILD_EXPORTS.failedStep] });
    expect(Object.keys(parsed.phases)).toEqual(['install', 'build']);
    expect(parsed.phases.build.commands).toHaveLength(1);
  });

  test('keeps the plugin cache directory in the CodeBuild cache', () => {
    expect((spec.document.cache as any).paths).toEqual([`${RUNNER_CACHE_DIR}/**/*`]);
    expect((spec.document.phases as any).install.commands).toEqual([`mkdir -p ${RUNNER_CACHE_DIR}/plugins ${RUNNER_CACHE_DIR}/locks`]);
    expect(buildCommand).toContain(`export TF_PLUGIN_CACHE_DIR=${RUNNER_CACHE_DIR}/plugins`);
    expect(buildCommand).toContain(`export RUNNER_PROVIDER_LOCK_FILE=${RUNNER_CACHE_DIR}/locks/"\${TF_CODE_SHA256:-unknown}.terraform.lock.hcl"`);
  });

  test('writes every key of the contract a CodeBuild run has, and nothing else', () => {
    const expected = [...parametersFor('codebuild').map(runnerKeyOf), 'TERRAFORM_ACTION', RUNNER_SETTINGS.region, ...PROJECT_KEYS, ...PER_BUILD_KEYS];
    expect(RUNNER_PARAMETER_KEYS).toEqual(expected);
    expect(new Set(RUNNER_PARAMETER_KEYS).size).toBe(RUNNER_PARAMETER_KEYS.length);
    expect(buildCommand).toContain(`for key in ${expected.join(' ')}; do`);
    // Every platform key of the shared contract, but the code key, sha and stack id come per build.
    expect([...PROJECT_KEYS, ...PER_BUILD_KEYS, RUNNER_SETTINGS.region].sort()).toEqual(Object.values(RUNNER_SETTINGS).sort());
  });

  test('downloads the runner script from its content-addressed key and checks the SHA-256 before running it', () => {
    const download = buildCommand.indexOf(
      'aws s3api get-object --bucket "${TF_STATE_BUCKET}" --key "command-runner/run-terraform/${RUNNER_SCRIPT_SHA256}.sh" --region "${AWS_REGION}" "$script"',
    );
    const verify = buildCommand.indexOf('if [ "$(sha256sum "$script" | cut -d \' \' -f 1)" != "${RUNNER_SCRIPT_SHA256}" ]; then');
    const run = buildCommand.indexOf('bash "$script" "$parameters"');
    expect(download).toBeGreaterThan(0);
    expect(verify).toBeGreaterThan(download);
    expect(run).toBeGreaterThan(verify);
    expect(buildCommand).not.toMatch(/\beval\b/);
    expect(buildCommand).toContain('unset RUNNER_CLOUDFORMATION_REQUEST');
  });

  test("a cache directory of the caller's is quoted where the shell needs it", () => {
    const custom = runnerBuildspec({ cacheDir: "/tmp/cache dir's" });
    expect((custom.document.phases as any).install.commands).toEqual([`mkdir -p '/tmp/cache dir'\\''s/plugins' '/tmp/cache dir'\\''s/locks'`]);
  });

  test('refuses a key that could not be a runner key', () => {
    expect(() => runnerBuildspec({ parameterKeys: ['TF_VAR_x', 'PATH; rm -rf /'] })).toThrow('not a runner key: PATH; rm -rf /');
  });
});
