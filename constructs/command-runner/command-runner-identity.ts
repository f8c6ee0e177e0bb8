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
 */
export class CommandRunnerIdentity extends Construct {
  readonly role: Role;
  readonly instanceProfileName: string;

  constructor(scope: Construct, id: string, props: CommandRunnerIdentityProps) {
    super(scope, id);
    this.role = new Role(this, 'role', {
      roleName: props.name,
      description: 'CommandRunner instance that applies and destroys the Terraform stacks of SageMaker projects',
      trust: [serviceTrust('ec2.amazonaws.com')],
      maxSessionDuration: 43200,
    });
    this.role.addPolicy('run-logs', [
      {
        sid: 'StreamRunLogs',
        effect: 'Allow',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [props.logGroupArn, `${props.logGroupArn}:log-stream:*`],
      },
    ]);
    const profile = new IamInstanceProfile(this, 'instance-profile', { name: props.name, role: this.role.roleName });
    this.instanceProfileName = profile.name;
  }
}
