import { CloudformationType } from '@cdktf/provider-aws/lib/cloudformation-type';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { Construct } from 'constructs';
import { IamNoWriteOnWildcardResource } from '../../guardrails/rules/iam-no-write-on-wildcard-resource';
import { suppress } from '../../guardrails/suppressions';
import { AwsContext } from '../aws-context';
import { PolicyStatement } from '../iam/policy';
import { Role } from '../iam/role';

export const COMMAND_RUNNER_TYPE_NAME = 'AWSUtility::CloudFormation::CommandRunner';

/** Prefix of the nested stack the CommandRunner handler creates for each run. */
export const COMMAND_RUNNER_STACK_PREFIX = 'AWSUtility-CloudFormation-CommandRunner-';

/** SSM parameter the handler reads to find the newest Amazon Linux 2 x86_64 AMI. */
const AMAZON_LINUX_2_AMI_PARAMETER = 'aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2';

export interface CommandRunnerTypeProps {
  /** S3 location of the release package, `s3://bucket/awsutility-cloudformation-commandrunner.zip`. */
  readonly releasePackage: string;
  /** Name of the execution role (path `/`, no "sts": the handler rebuilds its role ARN from its session ARN). */
  readonly roleName: string;
  /** Log group for the handler's own logs. */
  readonly logGroupName: string;
  /** Retention of the handler's log group, in days. */
  readonly logRetentionDays: number;
  /** KMS key ARN encrypting the handler's log group (its key policy must name this log group). */
  readonly kmsKeyArn: string;
  /** ARN of the instance profile the template gives CommandRunner (`Role` property). */
  readonly instanceProfileArn: string;
  /** ARN of the role inside that instance profile, the only role the handler may pass to EC2. */
  readonly instanceRoleArn: string;
  /** Subnet the template pins the runner to; empty = the handler picks one in the default VPC. */
  readonly subnetId: string;
  /** Whether the template names a security group; when it does, the handler creates none. */
  readonly usesOwnSecurityGroup: boolean;
}

/**
 * Registers AWSUtility::CloudFormation::CommandRunner in this account and region, with an execution
 * role limited to what its handler does (handler source and schema of the resource provider):
 * create and delete its nested stack `AWSUtility-CloudFormation-CommandRunner-<id>`, which runs an EC2
 * instance with our instance profile and, unless the template names one, a temporary security group;
 * read the Amazon Linux 2 AMI parameter; store the command's output as an SSM parameter; log and
 * publish metrics. CloudFormation creates the nested stack with these same credentials.
 */
export class CommandRunnerType extends Construct {
  readonly role: Role;
  readonly type: CloudformationType;

  constructor(scope: Construct, id: string, props: CommandRunnerTypeProps) {
    super(scope, id);
    const aws = AwsContext.of(this);
    const typeArnPattern = aws.arn('cloudformation', `type/resource/${COMMAND_RUNNER_TYPE_NAME.replace(/::/g, '-')}/*`);
    this.role = new Role(this, 'execution-role', {
      roleName: props.roleName,
      description: `Execution role of the ${COMMAND_RUNNER_TYPE_NAME} resource type`,
      trust: [
        {
          effect: 'Allow',
          actions: ['sts:AssumeRole'],
          principals: [{ type: 'Service', identifiers: ['resources.cloudformation.amazonaws.com'] }],
          condition: [
            { test: 'StringEquals', variable: 'aws:SourceAccount', values: [aws.accountId] },
            { test: 'StringLike', variable: 'aws:SourceArn', values: [typeArnPattern] },
          ],
        },
      ],
      // The session length the provider's own registration gives this role.
      maxSessionDuration: 8400,
    });
    const logGroup = new CloudwatchLogGroup(this, 'handler-logs', {
      name: props.logGroupName,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.kmsKeyArn,
    });
    this.role.addToPolicy('command-runner-handler', commandRunnerHandlerStatements(aws, props, logGroup.arn));
    suppress(
      this.role,
      IamNoWriteOnWildcardResource.id,
      "cloudwatch:PutMetricData supports no resource-level permissions; the cloudwatch:namespace condition limits it to the handler's namespace",
      {
        appliesTo: ['HandlerMetrics'],
      },
    );

    this.type = new CloudformationType(this, 'type', {
      type: 'RESOURCE',
      typeName: COMMAND_RUNNER_TYPE_NAME,
      schemaHandlerPackage: props.releasePackage,
      executionRoleArn: this.role.roleArn,
      loggingConfig: { logGroupName: logGroup.name, logRoleArn: this.role.roleArn },
    });
  }
}

function commandRunnerHandlerStatements(aws: AwsContext, props: CommandRunnerTypeProps, logGroupArn: string): PolicyStatement[] {
  const ec2 = (resource: string) => aws.arn('ec2', resource);
  const subnets = props.subnetId ? [ec2(`subnet/${props.subnetId}`)] : [ec2('subnet/*')];
  const roleArn = aws.arn('iam', `role/${props.roleName}`, { region: '' });
  const statements: PolicyStatement[] = [
    {
      sid: 'RunnerStacks',
      effect: 'Allow',
      actions: ['cloudformation:CreateStack', 'cloudformation:DeleteStack', 'cloudformation:DescribeStacks'],
      resources: [aws.arn('cloudformation', `stack/${COMMAND_RUNNER_STACK_PREFIX}*/*`)],
    },
    {
      sid: 'LatestAmazonLinux2Ami',
      effect: 'Allow',
      actions: ['ssm:GetParameter'],
      resources: [aws.arn('ssm', `parameter/${AMAZON_LINUX_2_AMI_PARAMETER}`, { account: '' })],
    },
    {
      // The handler names the output parameter after a random 10-letter id, at the root of the
      // parameter hierarchy: no narrower pattern exists.
      sid: 'CommandOutputParameters',
      effect: 'Allow',
      actions: ['ssm:PutParameter', 'ssm:GetParameter', 'ssm:DeleteParameter'],
      resources: [aws.arn('ssm', 'parameter/*')],
    },
    {
      sid: 'CheckRunnerInstanceProfile',
      effect: 'Allow',
      actions: ['iam:GetInstanceProfile'],
      resources: [props.instanceProfileArn],
    },
    {
      sid: 'PassRunnerRoleToEc2',
      effect: 'Allow',
      actions: ['iam:PassRole'],
      resources: [props.instanceRoleArn],
      condition: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: ['ec2.amazonaws.com'] }],
    },
    {
      // The TerminateInstances check simulates this role's own policy.
      sid: 'SimulateOwnPolicy',
      effect: 'Allow',
      actions: ['iam:SimulatePrincipalPolicy'],
      resources: [roleArn],
    },
    {
      sid: 'DescribeNetworkAndInstances',
      effect: 'Allow',
      // Describe actions support no resource-level permissions.
      actions: ['ec2:DescribeVpcs', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups', 'ec2:DescribeInstances'],
      resources: ['*'],
    },
    {
      sid: 'LaunchOnlyWithRunnerInstanceProfile',
      effect: 'Allow',
      actions: ['ec2:RunInstances'],
      resources: [ec2('instance/*')],
      condition: [
        {
          test: 'ArnEquals',
          variable: 'ec2:InstanceProfile',
          values: [props.instanceProfileArn],
        },
      ],
    },
    {
      sid: 'LaunchResources',
      effect: 'Allow',
      actions: ['ec2:RunInstances'],
      resources: [`arn:${aws.partition}:ec2:${aws.region}::image/*`, ...subnets, ec2('network-interface/*'), ec2('security-group/*'), ec2('volume/*')],
    },
    {
      sid: 'TagRunnerResources',
      effect: 'Allow',
      actions: ['ec2:CreateTags'],
      resources: [ec2('instance/*'), ec2('volume/*'), ec2('network-interface/*'), ec2('security-group/*')],
    },
    {
      // CloudFormation tags what it creates with aws:cloudformation:stack-name; aws: tags cannot be
      // set by anyone else, so only instances of the handler's stacks can be terminated.
      sid: 'TerminateOnlyRunnerInstances',
      effect: 'Allow',
      actions: ['ec2:TerminateInstances'],
      resources: [ec2('instance/*')],
      condition: [{ test: 'StringLike', variable: 'ec2:ResourceTag/aws:cloudformation:stack-name', values: [`${COMMAND_RUNNER_STACK_PREFIX}*`] }],
    },
    {
      sid: 'HandlerLogs',
      effect: 'Allow',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroupArn, `${logGroupArn}:log-stream:*`],
    },
    {
      sid: 'FindHandlerLogGroup',
      effect: 'Allow',
      // A listing: it authorizes against the account's log groups, not one group.
      actions: ['logs:DescribeLogGroups'],
      resources: [aws.arn('logs', 'log-group:*')],
    },
    {
      sid: 'HandlerMetrics',
      effect: 'Allow',
      // PutMetricData supports no resource-level permissions; the namespace condition scopes it.
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      condition: [{ test: 'StringEquals', variable: 'cloudwatch:namespace', values: [`AWS/CloudFormation/${COMMAND_RUNNER_TYPE_NAME.replace(/::/g, '/')}`] }],
    },
  ];
  if (!props.usesOwnSecurityGroup) {
    statements.push({
      sid: 'TemporarySecurityGroup',
      effect: 'Allow',
      actions: [
        'ec2:CreateSecurityGroup',
        'ec2:DeleteSecurityGroup',
        'ec2:AuthorizeSecurityGroupEgress',
        'ec2:AuthorizeSecurityGroupIngress',
        'ec2:RevokeSecurityGroupEgress',
        'ec2:RevokeSecurityGroupIngress',
      ],
      resources: [ec2('security-group/*'), ec2('vpc/*')],
    });
  }
  return statements;
}
