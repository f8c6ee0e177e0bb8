import { parametersFor } from '../../contract/project-parameters';
import { CUSTOM_RESOURCE_TYPE, FIXED_PROPERTIES } from '../../contract/provisioner';

export interface TerraformRunResourceProps {
  /** The provisioning function's ARN (CodeBuildRunner.serviceToken). */
  readonly serviceToken: string;
  /** Seconds CloudFormation waits for the answer (CodeBuildRunner.serviceTimeoutSeconds, at most 3600). */
  readonly serviceTimeoutSeconds: number;
  /** SHA-256 of the tf-code.zip this template version runs. */
  readonly terraformCodeSha256: string;
  /** SHA-256 of the run-terraform.sh this template version runs. */
  readonly runnerScriptSha256: string;
}

/**
 * The one resource of a CodeBuild-engine template: the custom resource whose properties are the
 * per-project form parameters (as Refs) and the platform's fixed values, written at synth.
 */
export function terraformRunResource(props: TerraformRunResourceProps): { Type: string; Properties: Record<string, unknown> } {
  const perProject = Object.fromEntries(parametersFor('codebuild').map((parameter) => [parameter.name, { Ref: parameter.name }]));
  return {
    Type: CUSTOM_RESOURCE_TYPE,
    Properties: {
      ServiceToken: props.serviceToken,
      ServiceTimeout: props.serviceTimeoutSeconds,
      ...perProject,
      [FIXED_PROPERTIES.terraformCodeSha256]: props.terraformCodeSha256,
      [FIXED_PROPERTIES.runnerScriptSha256]: props.runnerScriptSha256,
    },
  };
}
