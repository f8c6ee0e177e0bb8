import { TerraformVariable } from 'cdktf';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { nameLimitChecks, nameWithinLimit } from '../../../constructs/sagemaker-project/name-limit';
import { configOf, synthScope } from '../../support/synth-scope';

describe('nameWithinLimit', () => {
  test("a plan-time precondition on the name's length, naming the name, the limit and the fix", () => {
    const { tf, built } = synthScope((scope) => {
      const id = new TerraformVariable(scope, 'project_id', { type: 'string' });
      const name = `acme-${id.stringValue}-deploy-trigger-failures`;
      return new SqsQueue(scope, 'queue', { name, lifecycle: { precondition: [nameWithinLimit(name, 80, 'SQS queue name')] } });
    });
    expect(configOf(tf, built).lifecycle.precondition).toEqual([
      {
        condition: '${(length("acme-${var.project_id}-deploy-trigger-failures") <= 80)}',
        error_message:
          'The SQS queue name "acme-${var.project_id}-deploy-trigger-failures" is longer than 80 characters: choose a shorter SageMaker project name.',
      },
    ]);
  });
});

describe('nameLimitChecks', () => {
  test('a name from Terraform values is checked at plan', () => {
    synthScope((scope) => {
      const id = new TerraformVariable(scope, 'project_id', { type: 'string' });
      expect(nameLimitChecks(`acme-${id.stringValue}-seed-code`, 64, 'Lambda function name')).toHaveLength(1);
    });
  });

  test('a name known at synth is checked at once: no precondition when it fits, an error naming it when it does not', () => {
    expect(nameLimitChecks('acme-provision-project', 64, 'Lambda function name')).toEqual([]);
    const long = `acme-${'x'.repeat(60)}`;
    expect(() => nameLimitChecks(long, 64, 'Lambda function name')).toThrow(
      `The Lambda function name "${long}" is longer than 64 characters: choose a shorter name.`,
    );
  });
});
