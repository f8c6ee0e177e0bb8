import { TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { PROJECT_PARAMETERS, ProjectParameter, ProjectVariableName } from '../../contract/project-parameters';
import { APPLIED_BY_THE_RUNNER, RUNNER_SETTINGS } from '../../contract/runner';

/** Terraform variable the runner sets from the CloudFormation stack it runs for (not a form field). */
export const STACK_ID_VARIABLE = 'cloudformation_stack_id';

const STACK_ID_PATTERN = '^arn:aws[a-z-]*:cloudformation:[a-z0-9-]+:[0-9]{12}:stack/[A-Za-z][A-Za-z0-9-]*/[A-Za-z0-9-]+$';

/** A run without the stack id, which the runner always sets: a run by hand. */
const BY_HAND = `var.${STACK_ID_VARIABLE} == ""`;

/** What a plan without the runner's stack id says, before anything is created. */
export const NOT_THE_RUNNER_MESSAGE = `${STACK_ID_VARIABLE} is empty, so this is not a run of the runner: ${APPLIED_BY_THE_RUNNER}`;

/**
 * Terraform validation blocks of a contract row: its pattern and its length, each message naming the
 * parameter. They hold for the runner's runs; a run without its stack id gets the one message that
 * explains why it is refused, not one per missing form value.
 */
function validationOf(parameter: ProjectParameter & { variable: string }) {
  const reference = `var.${parameter.variable}`;
  return [
    {
      condition: `\${${BY_HAND} || can(regex("${parameter.rule.pattern}", ${reference}))}`,
      errorMessage: `${parameter.name} must be ${parameter.rule.expected}.`,
    },
    {
      // A pattern with a repeated group (`-*`) admits any length; the names derived from the value need the bound.
      condition: `\${${BY_HAND} || length(${reference}) <= ${parameter.maxLength}}`,
      errorMessage: `${parameter.name} must be at most ${parameter.maxLength} characters.`,
    },
  ];
}

/**
 * The Terraform variables of the sagemaker-project stack: exactly the form's per-project values
 * (contract/project-parameters.ts), each typed, described and validated, so bad Studio input fails at
 * plan, before anything is created; and the CloudFormation stack id the runner binds the state to.
 * Platform values are not variables: they are written into the stack at synth.
 */
export class ProjectVariables extends Construct {
  private readonly variables = new Map<string, TerraformVariable>();
  /** The CloudFormation stack the runner applies for. */
  readonly stackId: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    for (const parameter of PROJECT_PARAMETERS as readonly ProjectParameter[]) {
      if (!parameter.variable) continue;
      const variable = new TerraformVariable(this, parameter.variable, {
        type: 'string',
        description: `${parameter.description} (CloudFormation parameter ${parameter.name}).`,
        // The runner sets every form value; without a default, a run by hand would stop at the first
        // missing one ("No value for required variable") before the stack id says what is wrong.
        default: parameter.default ?? '',
        nullable: false,
        validation: validationOf(parameter as ProjectParameter & { variable: string }),
      });
      // The runner sets it as TF_VAR_<name>: the name must not carry a construct path.
      variable.overrideLogicalId(parameter.variable);
      this.variables.set(parameter.variable, variable);
    }
    const stackId = new TerraformVariable(this, STACK_ID_VARIABLE, {
      type: 'string',
      description: `ARN of the CloudFormation stack this project's runs belong to (set by the runner from ${RUNNER_SETTINGS.stackId}); recorded in the state so no other stack can apply or destroy it.`,
      default: '',
      nullable: false,
      // Empty (the default) when the stack is applied by hand: refused at plan, before anything is created.
      validation: [
        { condition: `\${var.${STACK_ID_VARIABLE} != ""}`, errorMessage: NOT_THE_RUNNER_MESSAGE },
        {
          condition: `\${${BY_HAND} || can(regex("${STACK_ID_PATTERN}", var.${STACK_ID_VARIABLE}))}`,
          errorMessage: `${STACK_ID_VARIABLE} must be a CloudFormation stack ARN (the runner sets it from ${RUNNER_SETTINGS.stackId}).`,
        },
      ],
    });
    stackId.overrideLogicalId(STACK_ID_VARIABLE);
    this.stackId = stackId.stringValue;
  }

  /** Value of the variable `name` (a Terraform expression); a name outside the contract fails to compile. */
  value(name: ProjectVariableName): string {
    const variable = this.variables.get(name);
    if (!variable) throw new Error(`Unknown project variable ${name}`);
    return variable.stringValue;
  }
}
