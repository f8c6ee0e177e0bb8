import { CloudformationType } from '@cdktf/provider-aws/lib/cloudformation-type';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CommandRunnerType, CommandRunnerTypeProps } from '../../../constructs/command-runner/command-runner-type';
import { awsRefs, bySid, child, configOf, inlinePolicy, ref, statementsOf, synthScope } from '../../support/synth-scope';

const PROPS: CommandRunnerTypeProps = {
  releasePackage: 's3://platform-artifacts/awsutility-cloudformation-commandrunner.zip',
  roleName: 'acme-commandrunner-type',
  logGroupName: '/sagemaker-projects/acme/command-runner-type',
  logRetentionDays: 90,
  kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  instanceProfileArn: 'arn:aws:iam::123456789012:instance-profile/acme-project-runner',
  instanceRoleArn: 'arn:aws:iam::123456789012:role/acme-project-runner',
  subnetId: '',
  usesOwnSecurityGroup: false,
};

const typeIn = (props: Partial<CommandRunnerTypeProps> = {}) =>
  synthScope((scope) => new CommandRunnerType(scope, 'command-runner-type', { ...PROPS, ...props }));
const actionsOf = (statements: any[]) => statements.flatMap((statement) => statement.actions);

describe('CommandRunnerType: registration', () => {
  const { json, tf, built } = typeIn();
  const logGroup = child<CloudwatchLogGroup>(built, 'handler-logs');

  test('registers the type from the release package, with its execution role and its own encrypted log group', () => {
    expect(json).toHaveResourceWithProperties(CloudformationType, {
      type: 'RESOURCE',
      type_name: 'AWSUtility::CloudFormation::CommandRunner',
      schema_handler_package: PROPS.releasePackage,
      execution_role_arn: ref(built.role.resource, 'arn'),
      logging_config: { log_group_name: ref(logGroup, 'name'), log_role_arn: ref(built.role.resource, 'arn') },
    });
    expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, { name: PROPS.logGroupName, retention_in_days: 90, kms_key_id: PROPS.kmsKeyArn });
  });

  test("only CloudFormation, for this account's CommandRunner type, assumes the execution role, for the provider's session length", () => {
    const { partition, region, account } = awsRefs(tf);
    const role = configOf(tf, built.role.resource);
    expect(role).toMatchObject({ name: 'acme-commandrunner-type', max_session_duration: 8400 });
    expect(role.path).toBeUndefined();
    expect(statementsOf(tf, role.assume_role_policy)).toEqual([
      {
        effect: 'Allow',
        actions: ['sts:AssumeRole'],
        principals: [{ type: 'Service', identifiers: ['resources.cloudformation.amazonaws.com'] }],
        condition: [
          { test: 'StringEquals', variable: 'aws:SourceAccount', values: [account] },
          {
            test: 'StringLike',
            variable: 'aws:SourceArn',
            values: [`arn:${partition}:cloudformation:${region}:${account}:type/resource/AWSUtility-CloudFormation-CommandRunner/*`],
          },
        ],
      },
    ]);
  });
});

describe('CommandRunnerType: what its handler may do', () => {
  const { tf, built } = typeIn();
  const statements = inlinePolicy(tf, built.role, 'command-runner-handler');
  const { partition, region, account } = awsRefs(tf);
  const ec2 = (resource: string) => `arn:${partition}:ec2:${region}:${account}:${resource}`;

  test('no wildcard action, and "*" only where the action has no resource-level permission', () => {
    expect(actionsOf(statements).filter((action: string) => action.includes('*'))).toEqual([]);
    expect(
      statements
        .filter((statement) => statement.resources.includes('*'))
        .map((statement) => statement.sid)
        .sort(),
    ).toEqual(['DescribeNetworkAndInstances', 'HandlerMetrics']);
    expect(bySid(statements, 'DescribeNetworkAndInstances').actions.every((action: string) => action.startsWith('ec2:Describe'))).toBe(true);
    expect(bySid(statements, 'HandlerMetrics').condition).toEqual([
      { test: 'StringEquals', variable: 'cloudwatch:namespace', values: ['AWS/CloudFormation/AWSUtility/CloudFormation/CommandRunner'] },
    ]);
  });

  test('it launches instances only with the runner instance profile and passes only the runner role, only to EC2', () => {
    expect(bySid(statements, 'LaunchOnlyWithRunnerInstanceProfile')).toEqual({
      sid: 'LaunchOnlyWithRunnerInstanceProfile',
      effect: 'Allow',
      actions: ['ec2:RunInstances'],
      resources: [ec2('instance/*')],
      condition: [{ test: 'ArnEquals', variable: 'ec2:InstanceProfile', values: [PROPS.instanceProfileArn] }],
    });
    expect(bySid(statements, 'PassRunnerRoleToEc2')).toEqual({
      sid: 'PassRunnerRoleToEc2',
      effect: 'Allow',
      actions: ['iam:PassRole'],
      resources: [PROPS.instanceRoleArn],
      condition: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: ['ec2.amazonaws.com'] }],
    });
    expect(bySid(statements, 'CheckRunnerInstanceProfile').resources).toEqual([PROPS.instanceProfileArn]);
  });

  test('it terminates only instances of its own stacks, manages only those stacks, and simulates only its own policy', () => {
    expect(bySid(statements, 'TerminateOnlyRunnerInstances').condition).toEqual([
      { test: 'StringLike', variable: 'ec2:ResourceTag/aws:cloudformation:stack-name', values: ['AWSUtility-CloudFormation-CommandRunner-*'] },
    ]);
    expect(bySid(statements, 'RunnerStacks').resources).toEqual([
      `arn:${partition}:cloudformation:${region}:${account}:stack/AWSUtility-CloudFormation-CommandRunner-*/*`,
    ]);
    expect(bySid(statements, 'SimulateOwnPolicy').resources).toEqual([`arn:${partition}:iam::${account}:role/acme-commandrunner-type`]);
    expect(bySid(statements, 'LatestAmazonLinux2Ami').resources).toEqual([
      `arn:${partition}:ssm:${region}::parameter/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2`,
    ]);
  });

  test('it logs only to its own log group', () => {
    const logGroupArn = ref(child(built, 'handler-logs'), 'arn');
    expect(bySid(statements, 'HandlerLogs').resources).toEqual([logGroupArn, `${logGroupArn}:log-stream:*`]);
  });

  test("without a security group of the template's own it may create a temporary one, in any subnet of the default VPC", () => {
    expect(bySid(statements, 'TemporarySecurityGroup').actions).toContain('ec2:CreateSecurityGroup');
    expect(bySid(statements, 'LaunchResources').resources).toContain(ec2('subnet/*'));
  });
});

describe('CommandRunnerType: a pinned subnet and security group', () => {
  test('no temporary security group permissions; instances only in that subnet', () => {
    const { tf, built } = typeIn({ subnetId: 'subnet-0123456789abcdef0', usesOwnSecurityGroup: true });
    const { partition, region, account } = awsRefs(tf);
    const statements = inlinePolicy(tf, built.role, 'command-runner-handler');
    expect(statements.map((statement) => statement.sid)).not.toContain('TemporarySecurityGroup');
    expect(actionsOf(statements)).not.toContain('ec2:CreateSecurityGroup');
    const launch = bySid(statements, 'LaunchResources').resources;
    expect(launch).toContain(`arn:${partition}:ec2:${region}:${account}:subnet/subnet-0123456789abcdef0`);
    expect(launch).not.toContain(`arn:${partition}:ec2:${region}:${account}:subnet/*`);
  });
});
