import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { Construct } from 'constructs';
import type { RunnerEngine } from '../../contract/project-parameters';
import { IamPassRoleScoped } from '../../guardrails/rules/iam-pass-role-scoped';
import { suppress } from '../../guardrails/suppressions';
import { AwsContext } from '../aws-context';
import { serviceTrust } from '../iam/policy';
import { Role } from '../iam/role';
import { projectProvisioningStatements, ProvisioningScope } from '../sagemaker-project/provisioning-permissions';
import { IEncryptionKey } from '../security/encryption-key';

export interface RunnerIdentityProps {
  /** Name of the role (and, with CommandRunner, of its instance profile). */
  readonly name: string;
  /** The engine whose service assumes the role: EC2 (CommandRunner) or CodeBuild. */
  readonly engine: RunnerEngine;
  /** ARN of the log group the runs write to. */
  readonly logGroupArn: string;
}

/**
 * The identity that runs Terraform for SageMaker projects, with either engine: the only principal that
 * writes projects' state and creates their resources and identities. It starts with what every run
 * needs (its logs); the stack adds state, code, the token and the provisioning permissions where they
 * are defined.
 *
 * With CommandRunner it is the instance profile's role. What the instance does not need: CommandRunner's
 * handler creates the instance, checks ec2:TerminateInstances (iam:SimulatePrincipalPolicy on its
 * caller) and terminates it with the resource type's execution role; cfn-init and cfn-signal
 * authenticate by stack membership and a presigned URL.
 */
export class RunnerIdentity extends Construct {
  readonly role: Role;
  /** CommandRunner's `Role` property (an instance profile name); undefined with CodeBuild. */
  readonly instanceProfileName?: string;
  readonly instanceProfileArn?: string;

  constructor(scope: Construct, id: string, props: RunnerIdentityProps) {
    super(scope, id);
    const service = props.engine === 'commandrunner' ? 'ec2.amazonaws.com' : 'codebuild.amazonaws.com';
    this.role = new Role(this, 'role', {
      roleName: props.name,
      description: `Runs Terraform for SageMaker projects (${props.engine === 'commandrunner' ? 'CommandRunner instances' : 'CodeBuild builds'})`,
      trust: [serviceTrust(service)],
    });
    this.role.addToPolicy('run-logs', [
      {
        sid: 'StreamRunLogs',
        effect: 'Allow',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [props.logGroupArn, `${props.logGroupArn}:log-stream:*`],
      },
      {
        // The awslogs agent CommandRunner installs, and CodeBuild, create the group when missing; it
        // exists, and no other group can be created.
        sid: 'CreateOnlyThisLogGroup',
        effect: 'Allow',
        actions: ['logs:CreateLogGroup'],
        resources: [props.logGroupArn],
      },
    ]);
    if (props.engine === 'commandrunner') {
      const profile = new IamInstanceProfile(this, 'instance-profile', { name: props.name, role: this.role.roleName });
      this.instanceProfileName = profile.name;
      this.instanceProfileArn = profile.arn;
    }
  }

  /**
   * What the runner creates for SageMaker projects (a managed policy: it outgrows an inline one), only
   * under their names, IAM path and permissions boundary; and the platform key, which the project
   * stack finds by its alias and encrypts its tables with.
   */
  grantProvisioning(scope: ProvisioningScope, platformKey: IEncryptionKey): void {
    const provisioning = this.role.addManagedPolicy(
      'provisioning',
      'What the runner creates for SageMaker projects: only under their names, their IAM path and the project permissions boundary',
      projectProvisioningStatements(AwsContext.of(this), scope),
    );
    suppress(
      provisioning,
      IamPassRoleScoped.id,
      'the runner passes the function roles it creates per project, which cannot be named here: only roles under the project IAM path (each created with the project boundary), only to Lambda',
      { appliesTo: ['PassProjectFunctionRoles'] },
    );
    this.role.addToPolicy('platform-key', [{ sid: 'FindPlatformKey', effect: 'Allow', actions: ['kms:DescribeKey'], resources: [platformKey.keyArn] }]);
    platformKey.grantUse(this.role, { via: ['dynamodb'], mode: 'create-grants' }, 'platform-key');
  }
}
