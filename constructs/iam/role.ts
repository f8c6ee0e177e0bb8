import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import { AwsContext } from '../aws-context';
import { IGrantable, policyDocument, PolicyStatement } from './policy';

function addInlineRolePolicy(scope: Construct, role: string, name: string, statements: PolicyStatement[]): void {
  new IamRolePolicy(scope, `policy-${name}`, {
    name,
    role,
    policy: policyDocument(scope, `policy-${name}-document`, statements).json,
  });
}

export interface RoleProps {
  /** Role name (≤ 64 characters). */
  readonly roleName: string;
  /** What the role is for, shown in the IAM console. */
  readonly description: string;
  /** Trust policy statements: who may assume the role. */
  readonly trust: PolicyStatement[];
  /** Maximum session length in seconds. @default 3600 */
  readonly maxSessionDuration?: number;
  /**
   * Seconds Terraform waits after creating the role, for services that check a new role at once
   * (a Service Catalog launch constraint fails while IAM has not propagated the role yet). @default 0
   */
  readonly propagationDelaySeconds?: number;
}

/** An IAM role whose permissions are added where they are needed, one named inline policy each. */
export class Role extends Construct implements IGrantable {
  readonly resource: IamRole;
  readonly roleName: string;
  readonly roleArn: string;

  constructor(scope: Construct, id: string, props: RoleProps) {
    super(scope, id);
    this.resource = new IamRole(this, 'role', {
      name: props.roleName,
      description: props.description,
      assumeRolePolicy: policyDocument(this, 'trust', props.trust).json,
      maxSessionDuration: props.maxSessionDuration,
      provisioners: props.propagationDelaySeconds ? [{ type: 'local-exec', command: `sleep ${props.propagationDelaySeconds}` }] : undefined,
    });
    this.roleName = this.resource.name;
    this.roleArn = this.resource.arn;
  }

  addPolicy(name: string, statements: PolicyStatement[]): void {
    addInlineRolePolicy(this, this.resource.id, name, statements);
  }
}

/** A role that exists already (created by SageMaker, say); policies can still be attached to it. */
export class ExistingRole extends Construct implements IGrantable {
  /** Name without path, as `aws_iam_role_policy` wants it. */
  readonly roleName: string;
  readonly roleArn: string;

  /** @param roleNameWithPath e.g. `service-role/AmazonSageMakerServiceCatalogProductsUseRole` */
  constructor(scope: Construct, id: string, roleNameWithPath: string) {
    super(scope, id);
    const parts = roleNameWithPath.split('/');
    this.roleName = parts[parts.length - 1];
    this.roleArn = AwsContext.of(this).arn('iam', `role/${roleNameWithPath}`, { region: '' });
  }

  addPolicy(name: string, statements: PolicyStatement[]): void {
    addInlineRolePolicy(this, this.roleName, name, statements);
  }
}
