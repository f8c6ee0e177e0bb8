import { TerraformOutput } from 'cdktf';
import { PROJECT_PARAMETERS, ProjectParameter } from '../../../contract/project-parameters';
import { NOT_THE_RUNNER_MESSAGE, ProjectVariables, STACK_ID_VARIABLE } from '../../../constructs/sagemaker-project/project-variables';
import { synthScope } from '../../support/synth-scope';

const { tf, built } = synthScope((scope) => {
  const variables = new ProjectVariables(scope, 'variables');
  new TerraformOutput(scope, 'values', { value: [variables.value('sagemaker_project_name'), variables.stackId] });
  return variables;
});
const formVariables = (PROJECT_PARAMETERS as readonly ProjectParameter[]).flatMap((parameter) => (parameter.variable ? [parameter] : []));

describe('ProjectVariables', () => {
  test("are exactly the form's per-project values and the stack id the runner binds state to, named as the runner sets them (TF_VAR_<name>)", () => {
    expect(Object.keys(tf.variable).sort()).toEqual([...formVariables.map((parameter) => parameter.variable), STACK_ID_VARIABLE].sort());
    for (const name of ['gitlab_url', 'git_user_name', 'secrets_manager_gitlab_secret_name', 'gitlab_ci_role_arn']) expect(tf.variable[name]).toBeUndefined();
    expect(tf.output.values.value).toEqual(['${var.sagemaker_project_name}', `\${var.${STACK_ID_VARIABLE}}`]);
  });

  test("each is a non-null string, described with its CloudFormation parameter, defaulting as the form does (or empty, so a run by hand reaches the stack id's message)", () => {
    for (const parameter of formVariables) {
      expect(tf.variable[parameter.variable!]).toMatchObject({
        type: 'string',
        nullable: false,
        description: `${parameter.description} (CloudFormation parameter ${parameter.name}).`,
      });
      expect([parameter.name, tf.variable[parameter.variable!].default]).toEqual([parameter.name, parameter.default ?? '']);
    }
  });

  test("each validation names its CloudFormation parameter and bounds its length, for the runner's runs (those with a stack id)", () => {
    expect(tf.variable.sagemaker_project_name.validation).toEqual([
      {
        condition: '${var.cloudformation_stack_id == "" || can(regex("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$", var.sagemaker_project_name))}',
        error_message: 'SageMakerProjectName must be 1-32 letters, digits and hyphens, starting and ending with a letter or digit.',
      },
      {
        condition: '${var.cloudformation_stack_id == "" || length(var.sagemaker_project_name) <= 32}',
        error_message: 'SageMakerProjectName must be at most 32 characters.',
      },
    ]);
    for (const parameter of formVariables) {
      expect(tf.variable[parameter.variable!].validation).toEqual([
        {
          condition: `\${var.${STACK_ID_VARIABLE} == "" || can(regex("${parameter.rule.pattern}", var.${parameter.variable}))}`,
          error_message: `${parameter.name} must be ${parameter.rule.expected}.`,
        },
        {
          condition: `\${var.${STACK_ID_VARIABLE} == "" || length(var.${parameter.variable}) <= ${parameter.maxLength}}`,
          error_message: `${parameter.name} must be at most ${parameter.maxLength} characters.`,
        },
      ]);
    }
  });

  test('a run without the stack id (by hand) is refused by one validation saying the runner applies the stack; with one, it must be a stack ARN', () => {
    expect(tf.variable[STACK_ID_VARIABLE]).toMatchObject({ type: 'string', default: '', nullable: false });
    expect(NOT_THE_RUNNER_MESSAGE).toMatch(/^cloudformation_stack_id is empty, so this is not a run of the runner: /);
    expect(tf.variable[STACK_ID_VARIABLE].validation).toEqual([
      { condition: `\${var.${STACK_ID_VARIABLE} != ""}`, error_message: NOT_THE_RUNNER_MESSAGE },
      {
        condition: `\${var.${STACK_ID_VARIABLE} == "" || can(regex("^arn:aws[a-z-]*:cloudformation:[a-z0-9-]+:[0-9]{12}:stack/[A-Za-z][A-Za-z0-9-]*/[A-Za-z0-9-]+$", var.${STACK_ID_VARIABLE}))}`,
        error_message: `${STACK_ID_VARIABLE} must be a CloudFormation stack ARN (the runner sets it from CLOUDFORMATION_STACK_ID).`,
      },
    ]);
  });

  test('a name outside the contract is refused', () => {
    expect(() => built.value('gitlab_url' as never)).toThrow('Unknown project variable gitlab_url');
  });
});
