import { ProjectVariable } from '@cdktf/provider-gitlab/lib/project-variable';
import { Construct } from 'constructs';
import { CI_VARIABLES } from '../../contract/ci-variables';

/** The values of the variables both projects get (the contract's `common` list, no more, no less). */
export type CommonCiValues = Record<(typeof CI_VARIABLES.common)[number], string>;

/** Values only the deploy project gets. */
export type DeployCiValues = Record<(typeof CI_VARIABLES.deploy)[number], string>;

export interface ProjectCiVariablesProps {
  /** GitLab project id. */
  readonly projectId: string;
  /** Values of the common variables, and of any others this project gets. */
  readonly values: CommonCiValues & Partial<DeployCiValues>;
  /** The project's own CI role (oidc mode); absent in access-keys mode, where the seeding function writes the key. */
  readonly roleArn?: string;
}

/**
 * The CI/CD variables of one GitLab project, as contract/ci-variables.ts lists them. None holds a
 * secret: in oidc mode the project's role ARN, in access-keys mode nothing here (the seeding function
 * writes the key as masked, protected variables, so it is in no Terraform state). Every value is `raw`,
 * so GitLab never expands a `$` inside it.
 */
export class ProjectCiVariables extends Construct {
  /** Every variable resource (for `dependsOn`: nothing may push before they exist). */
  readonly variables: ProjectVariable[] = [];

  constructor(scope: Construct, id: string, props: ProjectCiVariablesProps) {
    super(scope, id);
    const values: Record<string, string | undefined> = { ...props.values };
    const [roleArnKey] = CI_VARIABLES.oidc;
    if (props.roleArn !== undefined) values[roleArnKey] = props.roleArn;
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) continue;
      this.variables.push(
        new ProjectVariable(this, key, {
          project: props.projectId,
          key,
          value,
          description: 'Set by the sagemaker-project stack',
          masked: false,
          protected: false,
          raw: true,
        }),
      );
    }
  }
}
