import { IamUser } from '@cdktf/provider-aws/lib/iam-user';
import { AwsContext } from '../../../constructs/aws-context';
import { Role, User } from '../../../constructs/iam/role';
import { projectNames } from '../../../constructs/sagemaker-project/names';
import { CiOidcTrust, gitlabSubject, ProjectIdentities, ProjectIdentitiesProps } from '../../../constructs/sagemaker-project/project-identities';
import { sagemakerResources } from '../../../constructs/sagemaker-project/project-permissions';
import { all, awsRefs, bySid, configOf, inlinePolicy, inlinePolicyNames, statementsOf, synthScope } from '../../support/synth-scope';

const BOUNDARY = 'arn:aws:iam::123456789012:policy/acme/acme-project-boundary';
const TAGS = { 'sagemaker:project-name': 'churn', 'sagemaker:project-id': 'p-abcdefghijkl' };
const OIDC: CiOidcTrust = {
  providerArn: 'arn:aws:iam::123456789012:oidc-provider/gitlab.acme.io',
  issuerHost: 'gitlab.acme.io',
  audience: 'https://gitlab.acme.io',
  projectPaths: ['ml-team/churn-model-build', 'ml-team/churn-model-deploy'],
  branch: 'main',
};

/** The identities of project `churn` alone; `then` may grant from them before synth. */
const identitiesIn = (oidc?: CiOidcTrust, then: (identities: ProjectIdentities) => void = () => undefined) =>
  synthScope((scope) => {
    const names = projectNames('acme-', 'churn', 'p-abcdefghijkl', { build: '', deploy: '' });
    const props: ProjectIdentitiesProps = {
      names,
      path: '/acme/',
      permissionsBoundaryArn: BOUNDARY,
      oidc,
      sagemaker: sagemakerResources(AwsContext.of(scope), names, (name) => name.toLowerCase()),
      tags: TAGS,
    };
    const identities = new ProjectIdentities(scope, 'identities', props);
    then(identities);
    return identities;
  });

const roleNames = (tf: any) =>
  Object.values<any>(all(tf, 'aws_iam_role'))
    .map((role) => role.name)
    .sort();
const trustOf = (tf: any, role: Role) => statementsOf(tf, configOf(tf, role.resource).assume_role_policy);

describe('ProjectIdentities (oidc mode)', () => {
  const { tf, built } = identitiesIn(OIDC);
  const ci = built.ci as Role;
  const { partition, region, account } = awsRefs(tf);

  test('four roles (CI, pipeline, seeding, deploy trigger), each under the boundary and the path, tagged with the project', () => {
    expect(roleNames(tf)).toEqual([
      'acme-p-abcdefghijkl-ci',
      'acme-p-abcdefghijkl-deploy-trigger',
      'acme-p-abcdefghijkl-pipeline',
      'acme-p-abcdefghijkl-seed-code',
    ]);
    for (const role of Object.values<any>(all(tf, 'aws_iam_role'))) expect(role).toMatchObject({ path: '/acme/', permissions_boundary: BOUNDARY, tags: TAGS });
    expect(all(tf, 'aws_iam_user')).toEqual({});
  });

  test("the CI role trusts exactly the two GitLab projects' default branch, with the platform GitLab as audience (StringEquals, no wildcard)", () => {
    expect(trustOf(tf, ci)).toEqual([
      {
        effect: 'Allow',
        actions: ['sts:AssumeRoleWithWebIdentity'],
        principals: [{ type: 'Federated', identifiers: [OIDC.providerArn] }],
        condition: [
          { test: 'StringEquals', variable: 'gitlab.acme.io:aud', values: ['https://gitlab.acme.io'] },
          {
            test: 'StringEquals',
            variable: 'gitlab.acme.io:sub',
            values: ['project_path:ml-team/churn-model-build:ref_type:branch:ref:main', 'project_path:ml-team/churn-model-deploy:ref_type:branch:ref:main'],
          },
        ],
      },
    ]);
    expect(built.ciRoleArn).toBe(ci.roleArn);
    expect(built.ciUserName).toBeUndefined();
  });

  test("CI acts only on this project's pipeline, model packages and endpoints; it can neither approve nor register models", () => {
    const statements = inlinePolicy(tf, ci, 'sagemaker');
    const actions = statements.flatMap((statement) => statement.actions);
    expect(actions).not.toContain('sagemaker:UpdateModelPackage');
    expect(actions).not.toContain('sagemaker:CreateModelPackage');
    const sagemaker = (resource: string) => `arn:${partition}:sagemaker:${region}:${account}:${resource}`;
    expect(bySid(statements, 'RunModelBuildPipeline').resources).toEqual([
      sagemaker('pipeline/churn-p-abcdefghijkl'),
      sagemaker('pipeline/churn-p-abcdefghijkl/execution/*'),
    ]);
    expect(bySid(statements, 'DeployProjectEndpoints').resources).toEqual(
      ['model', 'endpoint-config', 'endpoint'].map((type) => sagemaker(`${type}/p-abcdefghijkl-*`)),
    );
    expect(bySid(statements, 'PassPipelineRole').resources).toEqual([`arn:${partition}:iam::${account}:role/acme/acme-p-abcdefghijkl-pipeline`]);
  });

  test('the pipeline role is assumed by SageMaker for this account only, and registers models only as PendingManualApproval', () => {
    expect(trustOf(tf, built.pipelineRole)).toEqual([
      {
        effect: 'Allow',
        actions: ['sts:AssumeRole'],
        principals: [{ type: 'Service', identifiers: ['sagemaker.amazonaws.com'] }],
        condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [account] }],
      },
    ]);
    const statements = inlinePolicy(tf, built.pipelineRole, 'sagemaker');
    expect(bySid(statements, 'RegisterModelsForApproval').condition).toEqual([
      { test: 'StringEquals', variable: 'sagemaker:ModelApprovalStatus', values: ['PendingManualApproval'] },
    ]);
    expect(statements.flatMap((statement) => statement.actions)).not.toContain('sagemaker:UpdateModelPackage');
    expect(bySid(statements, 'PassRoleToOwnJobs').resources).toEqual([`arn:${partition}:iam::${account}:role/acme/acme-p-abcdefghijkl-pipeline`]);
  });

  test('the function roles are assumed by Lambda and start with no permission: grants add what they touch', () => {
    for (const role of [built.seedRole, built.deployTriggerRole]) {
      expect(trustOf(tf, role)).toEqual([
        { effect: 'Allow', actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['lambda.amazonaws.com'] }] },
      ]);
      expect(inlinePolicyNames(tf, role)).toEqual([]);
    }
  });

  test('no identity starts with a secret read: only grants add one', () => {
    const everything = [ci, built.pipelineRole, built.seedRole, built.deployTriggerRole].flatMap((role) =>
      inlinePolicyNames(tf, role).flatMap((name) => inlinePolicy(tf, role, name)),
    );
    expect(everything.flatMap((statement) => statement.actions).filter((action: string) => action.startsWith('secretsmanager:'))).toEqual([]);
  });
});

describe('ProjectIdentities (access-keys mode)', () => {
  const { json, tf, built } = identitiesIn();

  test('the CI identity is a user of its own, under the boundary and path, whose keys go with it; no CI role', () => {
    expect(json).toHaveResourceWithProperties(IamUser, {
      name: 'acme-p-abcdefghijkl-ci',
      path: '/acme/',
      permissions_boundary: BOUNDARY,
      force_destroy: true,
      tags: TAGS,
    });
    expect(roleNames(tf)).not.toContain('acme-p-abcdefghijkl-ci');
    expect(built.ciRoleArn).toBeUndefined();
    expect(built.ciUserName).toBe((built.ci as User).userName);
    expect(all(tf, 'aws_iam_access_key')).toEqual({});
  });

  test('the user has the same SageMaker scope as the CI role', () => {
    const oidc = identitiesIn(OIDC);
    const strip = (statements: any[]) => statements.map(({ sid, actions, resources }) => ({ sid, actions, resources }));
    expect(strip(inlinePolicy(tf, built.ci as User, 'sagemaker'))).toEqual(strip(inlinePolicy(oidc.tf, oidc.built.ci as Role, 'sagemaker')));
  });
});

describe('ProjectIdentities.grantCiKeyRotation', () => {
  test("access-keys mode: the grantee may create, list and delete the CI user's keys, and no other user's", () => {
    const { tf, built } = identitiesIn(undefined, (identities) => identities.grantCiKeyRotation(identities.seedRole));
    const { partition, account } = awsRefs(tf);
    expect(inlinePolicy(tf, built.seedRole, 'ci-access-key')).toEqual([
      {
        sid: 'RotateOwnCiUserKey',
        effect: 'Allow',
        actions: ['iam:CreateAccessKey', 'iam:ListAccessKeys', 'iam:DeleteAccessKey'],
        resources: [`arn:${partition}:iam::${account}:user/acme/acme-p-abcdefghijkl-ci`],
      },
    ]);
  });

  test('oidc mode: refused, naming the identities (the CI role has no key)', () => {
    expect(() => identitiesIn(OIDC, (identities) => identities.grantCiKeyRotation(identities.seedRole))).toThrow(
      /identities: the CI identity is a role \(oidc mode\): it has no access key to rotate/,
    );
  });
});

describe('gitlabSubject', () => {
  test('is the sub claim of a GitLab ID token of that project and branch', () => {
    expect(gitlabSubject('ml-team/churn-model-build', 'main')).toBe('project_path:ml-team/churn-model-build:ref_type:branch:ref:main');
  });
});
