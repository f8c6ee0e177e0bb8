import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { Construct } from 'constructs';
import { serviceTrust } from '../iam/policy';
import { Role } from '../iam/role';

export interface CommandRunnerIdentityProps {
  /** Name of the role and of its instance profile. */
  readonly name: string;
  /** ARN of the log group the instance streams its cloud-init logs to. */
  readonly logGroupArn: string;
}

/**
 * Role and instance profile of the CommandRunner EC2 instance that runs Terraform for SageMaker
 * projects. It starts with what every run needs (its logs); the stack adds state, artifacts and the
 * project's resources where they are defined.
 *
 * What the instance does not need: CommandRunner's handler creates the instance, checks
 * ec2:TerminateInstances (iam:SimulatePrincipalPolicy on its caller) and terminates the instance with
 * the resource type's execution role, not with this one; cfn-init and cfn-signal authenticate by
 * stack membership and a presigned URL. EC2 refreshes instance-profile credentials itself, so the
 * role keeps the default session length.
 */
export class CommandRunnerIdentity extends Construct {
  readonly role: Role;
  readonly instanceProfileName: string;
  readonly instanceProfileArn: string;

  constructor(scope: Construct, id: string, props: CommandRunnerIdentityProps) {
    super(scope, id);
    this.role = new Role(this, 'role', {
      roleName: props.name,
      description: 'CommandRunner instance that applies and destroys the Terraform stacks of SageMaker projects',
      trust: [serviceTrust('ec2.amazonaws.com')],
    });
    this.role.addPolicy('run-logs', [
      {
        sid: 'StreamRunLogs',
        effect: 'Allow',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [props.logGroupArn, `${props.logGroupArn}:log-stream:*`],
      },
      {
        // The awslogs agent CommandRunner installs creates its group when missing (CommandRunner's
        // documentation lists the permission); the group exists, and no other group can be created.
        sid: 'AgentCreatesOnlyThisLogGroup',
        effect: 'Allow',
        actions: ['logs:CreateLogGroup'],
        resources: [props.logGroupArn],
      },
    ]);
    const profile = new IamInstanceProfile(this, 'instance-profile', { name: props.name, role: this.role.roleName });
    this.instanceProfileName = profile.name;
    this.instanceProfileArn = profile.arn;
  }
}
