import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { IamUser } from '@cdktf/provider-aws/lib/iam-user';
import { IamUserPolicy } from '@cdktf/provider-aws/lib/iam-user-policy';
import { Construct } from 'constructs';
import { AwsContext } from '../aws-context';
import { GrowingPolicies, IGrantable, policyDocument, PolicyStatement } from './policy';

export interface RoleProps {
  /** Role name (≤ 64 characters). */
  readonly roleName: string;
  /** What the role is for, shown in the IAM console. */
  readonly description: string;
  /** Trust policy statements: who may assume the role. */
  readonly trust: PolicyStatement[];
  /** IAM path, `/a/b/`. @default / */
  readonly path?: string;
  /** Managed policy that caps what the role can ever be allowed (permissions boundary). @default none */
  readonly permissionsBoundaryArn?: string;
  /** Maximum session length in seconds. @default 3600 */
  readonly maxSessionDuration?: number;
  /**
   * Seconds Terraform waits after creating the role, for services that check a new role at once
   * (a Service Catalog launch constraint fails while IAM has not propagated the role yet). @default 0
   */
  readonly propagationDelaySeconds?: number;
  /** Tags of the role. @default none */
  readonly tags?: Record<string, string>;
}

/**
 * `arn:<partition>:iam::<account>:<type><path><name>`: an identity's ARN built from its name, so the
 * policies naming it resolve when Terraform plans (the resource's own `arn` is known only after apply).
 */
export function identityArn(scope: Construct, type: 'role' | 'user', name: string, path = '/'): string {
  return AwsContext.of(scope).arn('iam', `${type}${path}${name}`, { region: '' });
}

/** An IAM role whose permissions are added where they are needed, in named inline policies. */
export class Role extends Construct implements IGrantable {
  readonly resource: IamRole;
  readonly roleName: string;
  /** The role's ARN as the resource reports it: use it where the role must exist first (a function's role). */
  readonly roleArn: string;
  /** The same ARN built from the name: what policies and conditions name. */
  readonly principalArn: string;
  private readonly policies: GrowingPolicies;

  constructor(scope: Construct, id: string, props: RoleProps) {
    super(scope, id);
    this.resource = new IamRole(this, 'role', {
      name: props.roleName,
      path: props.path,
      description: props.description,
      assumeRolePolicy: policyDocument(this, 'trust', props.trust).json,
      permissionsBoundary: props.permissionsBoundaryArn,
      maxSessionDuration: props.maxSessionDuration,
      tags: props.tags,
      provisioners: props.propagationDelaySeconds ? [{ type: 'local-exec', command: `sleep ${props.propagationDelaySeconds}` }] : undefined,
    });
    this.roleName = this.resource.name;
    this.roleArn = this.resource.arn;
    this.principalArn = identityArn(this, 'role', props.roleName, props.path);
    this.policies = new GrowingPolicies((name, statements) => {
      new IamRolePolicy(this, `policy-${name}`, { name, role: this.resource.name, policy: policyDocument(this, `policy-${name}-document`, statements).json });
    });
  }

  addToPolicy(policyName: string, statements: PolicyStatement[]): void {
    this.policies.add(policyName, statements);
  }

  /**
   * Attaches `statements` as a customer managed policy `<role name>-<name>`: for permission sets too
   * large for the 10,240 characters IAM allows a role's inline policies together.
   */
  addManagedPolicy(name: string, description: string, statements: PolicyStatement[]): IamPolicy {
    const policy = new IamPolicy(this, `managed-${name}`, {
      name: `${this.resource.name}-${name}`,
      description,
      policy: policyDocument(this, `managed-${name}-document`, statements).json,
    });
    new IamRolePolicyAttachment(this, `managed-${name}-attachment`, { role: this.resource.name, policyArn: policy.arn });
    return policy;
  }
}

export interface UserProps {
  /** User name (≤ 64 characters). */
  readonly userName: string;
  /** IAM path, `/a/b/`. @default / */
  readonly path?: string;
  /** Managed policy that caps what the user can ever be allowed. @default none */
  readonly permissionsBoundaryArn?: string;
  /** Delete the user's access keys when the user is destroyed (keys made outside Terraform). @default false */
  readonly forceDestroy?: boolean;
  readonly tags?: Record<string, string>;
}

/** An IAM user with named inline policies (for CI systems that cannot assume roles). */
export class User extends Construct implements IGrantable {
  readonly resource: IamUser;
  readonly userName: string;
  readonly principalArn: string;
  private readonly policies: GrowingPolicies;

  constructor(scope: Construct, id: string, props: UserProps) {
    super(scope, id);
    this.resource = new IamUser(this, 'user', {
      name: props.userName,
      path: props.path,
      permissionsBoundary: props.permissionsBoundaryArn,
      forceDestroy: props.forceDestroy,
      tags: props.tags,
    });
    this.userName = this.resource.name;
    this.principalArn = identityArn(this, 'user', props.userName, props.path);
    this.policies = new GrowingPolicies((name, statements) => {
      new IamUserPolicy(this, `policy-${name}`, { name, user: this.resource.name, policy: policyDocument(this, `policy-${name}-document`, statements).json });
    });
  }

  addToPolicy(policyName: string, statements: PolicyStatement[]): void {
    this.policies.add(policyName, statements);
  }
}
