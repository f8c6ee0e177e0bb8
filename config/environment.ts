import { CONFIG_FIELDS, ConfigField, ENV_PREFIX, isObject } from './fields';
import { Problem } from './problem';
import { closestMatches, orList } from './suggest';

/**
 * `SMP_*` variables that are not configuration fields, with what each one does and who reads it.
 * Any other `SMP_*` variable in the environment is a mistake (a typo, or a field that no longer
 * exists) and fails the configuration. test/config/environment.test.ts fails when the code reads an
 * `SMP_*` variable that is neither a field nor listed here.
 */
export const NON_CONFIG_VARIABLES = {
  SMP_CONFIG_FILE: 'path of the configuration file to read instead of project.config.json (config/load.ts)',
  SMP_DEBUG: 'any value: a failed synth prints the stack trace of its error (main.ts)',
  SMP_TF_PROVIDER_SERVERS:
    "0: the integration tests' terraform commands start their own providers, as a user's terraform does, instead of attaching to the provider servers jest's global setup starts (test/harness/integration-setup.ts)",
  SMP_LAMBDA_CACHE_DIR: 'folder that caches the bundled Lambda packages across npm ci (constructs/sagemaker-project/lambda-bundle.ts)',
  SMP_OUTPUT_FILE: "file the runner script writes CommandRunner's output to; set by tests (constructs/command-runner/run-terraform.sh)",
  SMP_INSTALL_DIR: 'folder the runner script unpacks terraform into; set by tests (constructs/command-runner/run-terraform.sh)',
  SMP_TERRAFORM_URL: 'where the runner script downloads terraform from; set by tests (constructs/command-runner/run-terraform.sh)',
  SMP_LOCAL_STATE_DIR: 'a local Terraform backend in place of S3 for the runner script; set by tests (constructs/command-runner/run-terraform.sh)',
  SMP_DIR: "working folder of the runner's launch command on the instance (constructs/command-runner/project-template.ts)",
  SMP_SCRIPT: 'the runner script the launch command downloads and checks before running it (constructs/command-runner/project-template.ts)',
} as const;

/** The name of every `SMP_*` variable the app accepts. */
export const KNOWN_VARIABLES: readonly string[] = [...CONFIG_FIELDS.map((field) => field.variable), ...Object.keys(NON_CONFIG_VARIABLES)];

/** The value of `field` read from its variable's text, typed after the field's default. */
function parseVariable(field: ConfigField, raw: string): { value: unknown } | { rule: string } {
  const { fallback } = field;
  if (typeof fallback === 'number') {
    return raw.trim() === '' || Number.isNaN(Number(raw)) ? { rule: 'must be a number' } : { value: Number(raw) };
  }
  if (typeof fallback === 'boolean') return raw === 'true' || raw === 'false' ? { value: raw === 'true' } : { rule: 'must be true or false' };
  if (Array.isArray(fallback))
    return {
      value: raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0),
    };
  if (isObject(fallback)) {
    try {
      return { value: JSON.parse(raw) };
    } catch {
      return { rule: 'must be a JSON object such as {"team":"ml"}' };
    }
  }
  return { value: raw };
}

/** The overrides of the `SMP_*` variables set in `env`, by field name, and the problems of those that cannot be read. */
export function environmentOverrides(env: NodeJS.ProcessEnv): { values: Map<ConfigField, unknown>; problems: Problem[] } {
  const values = new Map<ConfigField, unknown>();
  const problems: Problem[] = [];
  for (const field of CONFIG_FIELDS) {
    const raw = env[field.variable];
    if (raw === undefined) continue;
    const parsed = parseVariable(field, raw);
    if ('rule' in parsed) problems.push({ field: field.name, value: raw, rule: parsed.rule, source: `from ${field.variable}` });
    else values.set(field, parsed.value);
  }
  return { values, problems };
}

/** One problem per `SMP_*` variable of `env` (any case) that the app does not know, with the names it may have meant. */
export function unknownVariables(env: NodeJS.ProcessEnv): Problem[] {
  const bare = (name: string) => name.slice(ENV_PREFIX.length);
  return Object.keys(env)
    .filter((name) => name.toUpperCase().startsWith(ENV_PREFIX) && !KNOWN_VARIABLES.includes(name))
    .sort()
    .map((name) => {
      const matches = closestMatches(bare(name), KNOWN_VARIABLES.map(bare)).map((match) => ENV_PREFIX + match);
      const rule =
        matches.length > 0
          ? `unknown variable: did you mean ${orList(matches)}? Rename it or unset it`
          : 'unknown variable: no variable of this app has a similar name; the README configuration table lists them. Unset it';
      return { field: name, rule, source: 'set in the environment' };
    });
}
