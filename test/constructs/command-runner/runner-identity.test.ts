import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { RunnerIdentity } from '../../../constructs/command-runner/runner-identity';
import { all, configOf, inlinePolicy, inlinePolicyNames, ref, statementsOf, synthScope } from '../../support/synth-scope';

const LOG_GROUP_ARN = 'arn:aws:logs:us-east-1:123456789012:log-group:/sagemaker-projects/acme/command-runner';

const identityFor = (engine: 'commandrunner' | 'codebuild') =>
  synthScope((scope) => new RunnerIdentity(scope, 'command-runner', { name: 'acme-project-runner', engine, logGroupArn: LOG_GROUP_ARN }));
const trustOf = ({ tf, built }: ReturnType<typeof identityFor>) => statementsOf(tf, configOf(tf, built.role.resource).assume_role_policy);

describe('RunnerIdentity', () => {
  test('with CommandRunner: a role only EC2 assumes, inside an instance profile of the same name', () => {
    const commandRunner = identityFor('commandrunner');
    expect(trustOf(commandRunner)).toEqual([
      { effect: 'Allow', actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['ec2.amazonaws.com'] }] },
    ]);
    expect(commandRunner.json).toHaveResourceWithProperties(IamInstanceProfile, {
      name: 'acme-project-runner',
      role: ref(commandRunner.built.role.resource, 'name'),
    });
  });

  test('with CodeBuild: a role only CodeBuild assumes, and no instance profile', () => {
    const codeBuild = identityFor('codebuild');
    expect(trustOf(codeBuild)).toEqual([
      { effect: 'Allow', actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['codebuild.amazonaws.com'] }] },
    ]);
    expect(all(codeBuild.tf, 'aws_iam_instance_profile')).toEqual({});
    expect(codeBuild.built.instanceProfileName).toBeUndefined();
  });

  test('starts with its run logs only: streams in its log group, and creating no group but that one', () => {
    const { tf, built } = identityFor('commandrunner');
    expect(inlinePolicyNames(tf, built.role)).toEqual(['run-logs']);
    expect(inlinePolicy(tf, built.role, 'run-logs')).toEqual([
      {
        sid: 'StreamRunLogs',
        effect: 'Allow',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [LOG_GROUP_ARN, `${LOG_GROUP_ARN}:log-stream:*`],
      },
      { sid: 'CreateOnlyThisLogGroup', effect: 'Allow', actions: ['logs:CreateLogGroup'], resources: [LOG_GROUP_ARN] },
    ]);
  });

  test('the role has the default session length and no EC2 or STS permission', () => {
    const { tf, built } = identityFor('commandrunner');
    expect(configOf(tf, built.role.resource).max_session_duration).toBeUndefined();
    expect(
      inlinePolicy(tf, built.role, 'run-logs')
        .flatMap((statement) => statement.actions)
        .filter((action: string) => /^(ec2|sts):/.test(action)),
    ).toEqual([]);
  });
});
