import { parametersFor, ProjectParameter, runnerKeyOf } from '../../contract/project-parameters';
import { CLOUDFORMATION_PROPERTIES, FIXED_PROPERTIES, SHA256_PATTERN } from '../../contract/provisioner';

/** The custom resource's properties, checked: the per-project values and the code the run uses. */
export interface ProjectProperties {
  /** Per-project values by property name (SageMakerProjectName, SageMakerProjectId, ...). */
  readonly parameters: Readonly<Record<string, string>>;
  readonly projectId: string;
  readonly terraformCodeSha256: string;
  readonly runnerScriptSha256: string;
}

export type PropertiesCheck = { readonly ok: true; readonly properties: ProjectProperties } | { readonly ok: false; readonly problems: string[] };

/** The per-project rows of the contract a CodeBuild-engine template carries. */
export const CODEBUILD_PARAMETERS: readonly ProjectParameter[] = parametersFor('codebuild');

const FIXED_NAMES: readonly string[] = Object.values(FIXED_PROPERTIES);
const KNOWN_NAMES = new Set<string>([...CODEBUILD_PARAMETERS.map((parameter) => parameter.name), ...FIXED_NAMES, ...CLOUDFORMATION_PROPERTIES]);

/** What is wrong with one value, in the words of the template's field, or undefined. */
function valueProblem(name: string, value: unknown, rule: { pattern: string; expected: string }, maxLength: number): string | undefined {
  if (typeof value !== 'string') return `${name} must be a string (${rule.expected}), got ${value === undefined ? 'nothing' : typeof value}`;
  if (value.length > maxLength) return `${name} is ${value.length} characters long; at most ${maxLength} are allowed`;
  if (!new RegExp(rule.pattern).test(value)) return `${name} is ${JSON.stringify(value)}; it must be ${rule.expected}`;
  return undefined;
}

/**
 * Checks the resource properties CloudFormation sent against the contract table: every per-project
 * property of the CodeBuild engine and the two code checksums the template fixes; any other property
 * is refused, so a template cannot smuggle a platform value in. Each problem names the property.
 */
export function checkProperties(raw: Readonly<Record<string, unknown>> | undefined): PropertiesCheck {
  const properties = raw ?? {};
  const problems: string[] = [];
  const parameters: Record<string, string> = {};
  for (const parameter of CODEBUILD_PARAMETERS) {
    // A property left out of the template takes the parameter's default, as the form field would.
    const value = properties[parameter.name] ?? parameter.default;
    const problem = valueProblem(parameter.name, value, parameter.rule, parameter.maxLength);
    if (problem) problems.push(problem);
    else parameters[parameter.name] = value as string;
  }
  const sha256 = { pattern: SHA256_PATTERN, expected: 'a SHA-256 in lowercase hex (64 characters), written into the template at synth' };
  for (const name of FIXED_NAMES) {
    const problem = valueProblem(name, properties[name], sha256, 64);
    if (problem) problems.push(problem);
  }
  const unknown = Object.keys(properties).filter((name) => !KNOWN_NAMES.has(name));
  if (unknown.length > 0) problems.push(`unexpected properties ${unknown.join(', ')}: the template may carry only ${[...KNOWN_NAMES].join(', ')}`);
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    properties: {
      parameters,
      projectId: parameters.SageMakerProjectId,
      terraformCodeSha256: properties[FIXED_PROPERTIES.terraformCodeSha256] as string,
      runnerScriptSha256: properties[FIXED_PROPERTIES.runnerScriptSha256] as string,
    },
  };
}

/**
 * The runner keys of the checked per-project values (`TF_VAR_<variable>`). Empty values are left out:
 * the project stack's variables default to empty, and no empty value needs to reach the build.
 */
export function runnerValues(properties: ProjectProperties): Record<string, string> {
  return Object.fromEntries(
    CODEBUILD_PARAMETERS.filter((parameter) => properties.parameters[parameter.name] !== '').map((parameter) => [
      runnerKeyOf(parameter),
      properties.parameters[parameter.name],
    ]),
  );
}
