import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { IamUser } from '@cdktf/provider-aws/lib/iam-user';
import { PolicyStatement, serviceTrust } from '../../../constructs/iam/policy';
import { identityArn, Role, RoleProps, User } from '../../../constructs/iam/role';
import { all, awsRefs, configOf, inlinePolicy, inlinePolicyNames, ref, statementsOf, synthScope } from '../../support/synth-scope';

const BOUNDARY = 'arn:aws:iam::123456789012:policy/platform/project-boundary';
const TRUST = [serviceTrust('lambda.amazonaws.com')];
const allow = (action: string): PolicyStatement => ({ effect: 'Allow', actions: [action], resources: ['*'] });

describe('Role', () => {
  const roleIn = (props: Partial<RoleProps> = {}) =>
    synthScope((scope) => new Role(scope, 'role', { roleName: 'project-ci', description: 'CI of one project', trust: TRUST, ...props }));

  test('carries its name, description, path, permissions boundary, session length and tags', () => {
    const { json } = roleIn({
      path: '/platform/',
      permissionsBoundaryArn: BOUNDARY,
      maxSessionDuration: 7200,
      tags: { 'sagemaker:project-id': 'p-abcdefghijkl' },
    });
    expect(json).toHaveResourceWithProperties(IamRole, {
      name: 'project-ci',
      description: 'CI of one project',
      path: '/platform/',
      permissions_boundary: BOUNDARY,
      max_session_duration: 7200,
      tags: { 'sagemaker:project-id': 'p-abcdefghijkl' },
    });
  });

  test('its trust policy is exactly the statements given', () => {
    const { tf, built } = roleIn();
    expect(statementsOf(tf, configOf(tf, built.resource).assume_role_policy)).toEqual([
      { effect: 'Allow', actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['lambda.amazonaws.com'] }] },
    ]);
  });

  test('without options: no path, boundary, session length, tags or wait', () => {
    const { tf, built } = roleIn();
    const role = configOf(tf, built.resource);
    for (const key of ['path', 'permissions_boundary', 'max_session_duration', 'tags', 'provisioner']) expect([key, role[key]]).toEqual([key, undefined]);
  });

  test('a propagation delay makes Terraform wait after creating the role', () => {
    const { tf, built } = roleIn({ propagationDelaySeconds: 30 });
    expect(configOf(tf, built.resource).provisioner).toEqual([{ 'local-exec': { command: 'sleep 30' } }]);
  });

  test("its principal ARN is built from path and name (known at plan); roleArn is the resource's attribute", () => {
    const { tf, built } = synthScope((scope) => {
      const role = new Role(scope, 'role', { roleName: 'project-ci', description: 'd', trust: TRUST, path: '/platform/' });
      role.addToPolicy('probe', [{ effect: 'Allow', actions: ['sts:TagSession'], resources: [role.principalArn, role.roleArn] }]);
      return role;
    });
    const { partition, account } = awsRefs(tf);
    expect(inlinePolicy(tf, built, 'probe')[0].resources).toEqual([`arn:${partition}:iam::${account}:role/platform/project-ci`, ref(built.resource, 'arn')]);
  });

  test('addToPolicy keeps one inline policy per name and appends to it, in order', () => {
    const { tf, built } = synthScope((scope) => {
      const role = new Role(scope, 'role', { roleName: 'r', description: 'd', trust: TRUST });
      role.addToPolicy('grants', [allow('s3:GetObject')]);
      role.addToPolicy('logs', [allow('logs:PutLogEvents')]);
      role.addToPolicy('grants', [allow('s3:PutObject'), allow('s3:DeleteObject')]);
      return role;
    });
    expect(inlinePolicyNames(tf, built)).toEqual(['grants', 'logs']);
    expect(inlinePolicy(tf, built, 'grants').map((statement) => statement.actions)).toEqual([['s3:GetObject'], ['s3:PutObject'], ['s3:DeleteObject']]);
    expect(inlinePolicy(tf, built, 'logs').map((statement) => statement.actions)).toEqual([['logs:PutLogEvents']]);
    for (const policy of Object.values(all(tf, 'aws_iam_role_policy'))) expect(policy.role).toBe(ref(built.resource, 'name'));
  });

  test('addManagedPolicy attaches a customer managed policy named <role name>-<name>', () => {
    const { json, tf, built } = synthScope((scope) => {
      const role = new Role(scope, 'role', { roleName: 'runner', description: 'd', trust: TRUST });
      return { role, policy: role.addManagedPolicy('provisioning', 'what the runner creates', [allow('iam:CreateRole')]) };
    });
    expect(json).toHaveResourceWithProperties(IamPolicy, { name: `${ref(built.role.resource, 'name')}-provisioning`, description: 'what the runner creates' });
    expect(statementsOf(tf, configOf(tf, built.policy).policy)).toEqual([{ effect: 'Allow', actions: ['iam:CreateRole'], resources: ['*'] }]);
    expect(json).toHaveResourceWithProperties(IamRolePolicyAttachment, { role: ref(built.role.resource, 'name'), policy_arn: ref(built.policy, 'arn') });
    expect(all(tf, 'aws_iam_role_policy')).toEqual({});
  });
});

describe('User', () => {
  test('carries its name, path, permissions boundary, key removal on destroy and tags', () => {
    const { json } = synthScope(
      (scope) =>
        new User(scope, 'user', { userName: 'project-ci', path: '/platform/', permissionsBoundaryArn: BOUNDARY, forceDestroy: true, tags: { team: 'ml' } }),
    );
    expect(json).toHaveResourceWithProperties(IamUser, {
      name: 'project-ci',
      path: '/platform/',
      permissions_boundary: BOUNDARY,
      force_destroy: true,
      tags: { team: 'ml' },
    });
  });

  test('its principal ARN is built from path and name; its grants are user policies', () => {
    const { tf, built } = synthScope((scope) => {
      const user = new User(scope, 'user', { userName: 'project-ci', path: '/platform/' });
      user.addToPolicy('grants', [{ effect: 'Allow', actions: ['iam:ListAccessKeys'], resources: [user.principalArn] }]);
      user.addToPolicy('grants', [allow('s3:GetObject')]);
      return user;
    });
    const { partition, account } = awsRefs(tf);
    expect(inlinePolicy(tf, built, 'grants')).toEqual([
      { effect: 'Allow', actions: ['iam:ListAccessKeys'], resources: [`arn:${partition}:iam::${account}:user/platform/project-ci`] },
      { effect: 'Allow', actions: ['s3:GetObject'], resources: ['*'] },
    ]);
    expect(all(tf, 'aws_iam_role_policy')).toEqual({});
  });
});

describe('identityArn', () => {
  test('leaves the region out and puts the path between type and name', () => {
    const { tf } = synthScope((scope) => {
      const role = new Role(scope, 'role', { roleName: 'r', description: 'd', trust: TRUST });
      role.addToPolicy('probe', [
        { effect: 'Allow', actions: ['iam:GetUser'], resources: [identityArn(scope, 'user', 'ci'), identityArn(scope, 'role', 'fn', '/a/b/')] },
      ]);
    });
    const { partition, account } = awsRefs(tf);
    const [statement] = Object.values(all(tf, 'aws_iam_policy_document', 'data'))
      .flatMap((document: any) => document.statement)
      .filter((candidate: any) => candidate.actions[0] === 'iam:GetUser');
    expect(statement.resources).toEqual([`arn:${partition}:iam::${account}:user/ci`, `arn:${partition}:iam::${account}:role/a/b/fn`]);
  });
});
