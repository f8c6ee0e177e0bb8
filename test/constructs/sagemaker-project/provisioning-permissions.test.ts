import { AwsContext } from '../../../constructs/aws-context';
import { policyDocument } from '../../../constructs/iam/policy';
import { projectProvisioningStatements } from '../../../constructs/sagemaker-project/provisioning-permissions';
import { awsRefs, bySid, configOf, synthScope } from '../../support/synth-scope';

const BOUNDARY = 'arn:aws:iam::123456789012:policy/acme/acme-project-boundary';

const { tf, built } = synthScope((scope) =>
  policyDocument(
    scope,
    'provisioning',
    projectProvisioningStatements(AwsContext.of(scope), { resourcePrefix: 'acme-', iamPath: '/acme/', boundaryArn: BOUNDARY }),
  ),
);
const statements: any[] = configOf(tf, built).statement;
const { partition, region, account } = awsRefs(tf);
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const P = escape(partition);
const R = escape(region);
const A = escape(account);

describe('projectProvisioningStatements: identities', () => {
  test('creates roles and users only under the project path and names, only with the project boundary', () => {
    expect(bySid(statements, 'CreateProjectIdentitiesWithBoundary')).toEqual({
      sid: 'CreateProjectIdentitiesWithBoundary',
      effect: 'Allow',
      actions: ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:CreateUser', 'iam:PutUserPolicy', 'iam:DeleteUserPolicy'],
      resources: [`arn:${partition}:iam::${account}:role/acme/acme-p-*`, `arn:${partition}:iam::${account}:user/acme/acme-p-*`],
      condition: [{ test: 'StringEquals', variable: 'iam:PermissionsBoundary', values: [BOUNDARY] }],
    });
  });

  test('can never remove or swap a boundary, nor attach a managed policy', () => {
    expect(bySid(statements, 'KeepProjectBoundaries')).toEqual({
      sid: 'KeepProjectBoundaries',
      effect: 'Deny',
      actions: ['iam:DeleteRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary', 'iam:PutRolePermissionsBoundary', 'iam:PutUserPermissionsBoundary'],
      resources: ['*'],
    });
    const allowed = statements.filter((statement) => statement.effect === 'Allow').flatMap((statement) => statement.actions);
    expect(
      allowed.filter((action: string) => /^iam:(Attach|Put)\w*(PermissionsBoundary|Policy)$/.test(action) && !/^iam:Put(Role|User)Policy$/.test(action)),
    ).toEqual([]);
  });

  test("the only roles it may pass are the project's own, and only to Lambda", () => {
    expect(statements.filter((statement) => statement.actions.includes('iam:PassRole'))).toEqual([
      {
        sid: 'PassProjectFunctionRoles',
        effect: 'Allow',
        actions: ['iam:PassRole'],
        resources: [`arn:${partition}:iam::${account}:role/acme/acme-p-*`],
        condition: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: ['lambda.amazonaws.com'] }],
      },
    ]);
  });

  test("binds each run to its SageMaker project: describes projects and the product's stacks", () => {
    expect(bySid(statements, 'BindRunToSageMakerProject')).toEqual({
      sid: 'BindRunToSageMakerProject',
      effect: 'Allow',
      actions: ['sagemaker:DescribeProject', 'cloudformation:DescribeStacks'],
      resources: [`arn:${partition}:sagemaker:${region}:${account}:project/*`, `arn:${partition}:cloudformation:${region}:${account}:stack/SC-*`],
    });
  });
});

describe('projectProvisioningStatements: scope', () => {
  test('no wildcard action, no service-wide wildcard; "*" only to deny removing a boundary', () => {
    for (const statement of statements) {
      for (const action of statement.actions) expect(action).not.toMatch(/^(\*|[a-z0-9-]+:\*)$/);
      if (statement.resources.includes('*')) expect([statement.sid, statement.effect]).toEqual(['KeepProjectBoundaries', 'Deny']);
    }
  });

  test("resources are the platform's project-named ones: <prefix>p-*, <name>-p-*, the project IAM path, the binding lookups", () => {
    const allowed = [
      new RegExp(`^arn:${P}:s3:::acme-p-\\*(/\\*)?$`),
      new RegExp(`^arn:${P}:(dynamodb|lambda|events|sqs|logs):${R}:${A}:(table/|function:|rule/|log-group:/aws/lambda/)?acme-p-\\*$`),
      new RegExp(`^arn:${P}:secretsmanager:${R}:${A}:secret:acme/p-\\*$`),
      new RegExp(`^arn:${P}:iam::${A}:(role|user)/acme/acme-p-\\*$`),
      new RegExp(`^arn:${P}:sagemaker:${R}:${A}:(model-package-group|code-repository)/\\*-p-\\*$`),
      new RegExp(`^arn:${P}:sagemaker:${R}:${A}:project/\\*$`),
      new RegExp(`^arn:${P}:cloudformation:${R}:${A}:stack/SC-\\*$`),
      new RegExp(`^arn:${P}:logs:${R}:${A}:log-group:\\*$`),
    ];
    const unscoped = statements
      .filter((statement) => statement.effect === 'Allow')
      .flatMap((statement) => statement.resources.filter((resource: string) => !allowed.some((pattern) => pattern.test(resource))));
    expect(unscoped).toEqual([]);
  });

  test('project secrets live under <platform prefix without dash>/p-*', () => {
    expect(bySid(statements, 'ManageProjectSecrets').resources).toEqual([`arn:${partition}:secretsmanager:${region}:${account}:secret:acme/p-*`]);
  });
});
