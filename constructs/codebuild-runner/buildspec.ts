import { stringify } from 'yaml';
import { parametersFor, PROJECT_PARAMETERS, runnerKeyOf } from '../../contract/project-parameters';
import { BUILD_EXPORTS, BUILD_VARIABLES, PER_BUILD_KEYS, PROJECT_KEYS } from '../../contract/provisioner';
import { COMMAND_OUTPUT_FILE, RUNNER_ENVIRONMENT, RUNNER_SETTINGS, runnerScriptKey } from '../../contract/runner';
import { keptObjectDownloadCommand } from '../command-runner/kept-object-download';

/** Where builds keep Terraform's provider plugin cache and the lock files that vouch for it (CodeBuild cache). */
export const RUNNER_CACHE_DIR = '/root/.cache/sagemaker-projects-terraform';

/**
 * Keys of the runner's parameters file, in the order the buildspec writes them: the per-project
 * Terraform variables and the action (set per build by the function), the platform keys (set on the
 * CodeBuild project), and AWS_REGION (CodeBuild's own variable).
 */
export const RUNNER_PARAMETER_KEYS: readonly string[] = [
  ...parametersFor('codebuild').map(runnerKeyOf),
  runnerKeyOf(PROJECT_PARAMETERS.find((parameter) => parameter.name === 'TerraformAction')!),
  RUNNER_SETTINGS.region,
  ...PROJECT_KEYS,
  ...PER_BUILD_KEYS,
];

export interface BuildspecOptions {
  /** Directory the CodeBuild cache keeps between builds. @default RUNNER_CACHE_DIR */
  readonly cacheDir?: string;
  /** Keys written into the parameters file, when set in the build's environment. @default RUNNER_PARAMETER_KEYS */
  readonly parameterKeys?: readonly string[];
}

const shellWord = (value: string) => (/^[A-Za-z0-9_./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`);

/**
 * The one command of the build phase. It never fails the build for a failed run: the outcome leaves as
 * exported variables (documented to be readable once post_build has ended), and a build that CodeBuild
 * itself fails, stops or times out means the run never finished.
 */
function runCommand(cacheDir: string, keys: readonly string[]): string {
  const { result, failedStep } = BUILD_EXPORTS;
  for (const key of keys) if (!/^[A-Z][A-Z0-9_]*$|^TF_VAR_[a-z][a-z0-9_]*$/.test(key)) throw new Error(`not a runner key: ${key}`);
  const scriptKey = runnerScriptKey(`\${${BUILD_VARIABLES.runnerScriptSha256}}`);
  return [
    `export ${result}=failed ${failedStep}='start the runner build'`,
    // The request context is for the function alone; nothing the run starts needs it.
    `unset ${BUILD_VARIABLES.cloudFormationRequest}`,
    `export ${RUNNER_ENVIRONMENT.pluginCache}=${shellWord(`${cacheDir}/plugins`)}`,
    `export ${RUNNER_ENVIRONMENT.lockFile}=${shellWord(`${cacheDir}/locks/`)}"\${${RUNNER_SETTINGS.codeSha256}:-unknown}.terraform.lock.hcl"`,
    'smp_run() {',
    '  local work script parameters log output status key',
    '  work="$(mktemp -d)" || return',
    '  script="$work/run-terraform.sh" parameters="$work/parameters.env" log="$work/run.log"',
    `  output="\${SMP_OUTPUT_FILE:-${COMMAND_OUTPUT_FILE}}"`,
    `  ${failedStep}='download run-terraform.sh'`,
    `  [[ "\${${BUILD_VARIABLES.runnerScriptSha256}:-}" =~ ^[0-9a-f]{64}$ ]] || { echo "${BUILD_VARIABLES.runnerScriptSha256} is not a SHA-256"; return 1; }`,
    `  ${keptObjectDownloadCommand({ bucket: `\${${RUNNER_SETTINGS.stateBucket}}`, key: scriptKey, target: '$script', region: `\${${RUNNER_SETTINGS.region}}` })} || { echo "cannot download s3://\${${RUNNER_SETTINGS.stateBucket}}/${scriptKey}"; return 1; }`,
    `  ${failedStep}='verify run-terraform.sh'`,
    `  if [ "$(sha256sum "$script" | cut -d ' ' -f 1)" != "\${${BUILD_VARIABLES.runnerScriptSha256}}" ]; then`,
    `    echo "SHA-256 mismatch for ${scriptKey}: not running it"`,
    '    return 1',
    '  fi',
    `  ${failedStep}='write the parameters file'`,
    '  : > "$parameters" || return',
    // Values are copied byte for byte from the environment (never evaluated); a line break would start a new key.
    `  for key in ${keys.join(' ')}; do`,
    '    [ -n "${!key+set}" ] || continue',
    `    if [[ "\${!key}" == *$'\\n'* ]]; then echo "$key holds a line break"; return 1; fi`,
    `    printf '%s=%s\\n' "$key" "\${!key}" >> "$parameters" || return`,
    '  done',
    `  ${failedStep}=''`,
    '  bash "$script" "$parameters" 2>&1 | tee "$log"',
    '  status="${PIPESTATUS[0]}"',
    `  if [ "$status" -eq 0 ] && [ -s "$output" ]; then ${result}="$(cat "$output")"; return 0; fi`,
    `  ${failedStep}="$(sed -n 's/.*FAILED at step "\\(.*\\)" (exit status [0-9]*).*/\\1/p' "$log" | tail -n 1)"`,
    `  [ -n "$${failedStep}" ] || ${failedStep}="run-terraform.sh (exit status $status)"`,
    '}',
    'smp_run || true',
    `echo "runner build: result $${result}\${${failedStep}:+, failed at step \\"$${failedStep}\\"}"`,
  ].join('\n');
}

/**
 * The buildspec of the runner project (inline, no source): prepares the provider cache, downloads
 * run-terraform.sh from its content-addressed key and checks its SHA-256, writes the parameters file
 * from the build's environment, runs the script and exports the result and the failed step.
 */
export function runnerBuildspec(options: BuildspecOptions = {}): { document: Record<string, unknown>; yaml: string } {
  const cacheDir = options.cacheDir ?? RUNNER_CACHE_DIR;
  const document = {
    version: '0.2',
    env: { shell: 'bash', 'exported-variables': [BUILD_EXPORTS.result, BUILD_EXPORTS.failedStep] },
    phases: {
      install: { commands: [`mkdir -p ${shellWord(`${cacheDir}/plugins`)} ${shellWord(`${cacheDir}/locks`)}`] },
      build: { commands: [runCommand(cacheDir, options.parameterKeys ?? RUNNER_PARAMETER_KEYS)] },
    },
    cache: { paths: [`${cacheDir}/**/*`] },
  };
  return { document, yaml: stringify(document, { lineWidth: 0 }) };
}
