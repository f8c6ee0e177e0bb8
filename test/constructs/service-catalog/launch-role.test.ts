import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { LaunchRole } from '../../../constructs/service-catalog/launch-role';
import { awsRefs, configOf, inlinePolicy, inlinePolicyNames, statementsOf, synthScope } from '../../support/synth-scope';

const INVOKE = {
  sid: 'InvokeProvisioning',
  effect: 'Allow',
  actions: ['lambda:InvokeFunction'],
  resources: ['arn:aws:lambda:us-east-1:123456789012:function:f'],
};

describe('LaunchRole', () => {
  const { json, tf, built } = synthScope((scope) => new LaunchRole(scope, 'launch-role', { roleName: 'acme-sc-launch' }));
  const statements = inlinePolicy(tf, built.role, 'launch-sagemaker-project');

  test('is assumed by Service Catalog only, and Terraform waits for IAM to propagate it before the launch constraint names it', () => {
    expect(json).toHaveResourceWithProperties(IamRole, { name: 'acme-sc-launch', provisioner: [{ 'local-exec': { command: 'sleep 30' } }] });
    expect(statementsOf(tf, configOf(tf, built.role.resource).assume_role_policy)).toEqual([
      { effect: 'Allow', actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['servicecatalog.amazonaws.com'] }] },
    ]);
  });

  test("manages only the product's CloudFormation stacks (SC-*)", () => {
    const { partition, region, account } = awsRefs(tf);
    expect(statements[0]).toEqual({
      sid: 'ManageProductStacks',
      effect: 'Allow',
      actions: [
        'cloudformation:CreateStack',
        'cloudformation:UpdateStack',
        'cloudformation:DeleteStack',
        'cloudformation:DescribeStacks',
        'cloudformation:DescribeStackEvents',
        'cloudformation:CreateChangeSet',
        'cloudformation:DescribeChangeSet',
        'cloudformation:ExecuteChangeSet',
        'cloudformation:DeleteChangeSet',
      ],
      resources: [`arn:${partition}:cloudformation:${region}:${account}:stack/SC-*`],
    });
  });

  test('reads templates only as Service Catalog\'s tagged copies (never the platform bucket); "*" only where no resource-level permission exists', () => {
    expect(statements.slice(1)).toEqual([
      { sid: 'ReadTemplates', effect: 'Allow', actions: ['cloudformation:GetTemplateSummary', 'cloudformation:ValidateTemplate'], resources: ['*'] },
      {
        sid: 'ReadServiceCatalogTemplateCopies',
        effect: 'Allow',
        actions: ['s3:GetObject'],
        resources: ['*'],
        condition: [{ test: 'StringEquals', variable: 's3:ExistingObjectTag/servicecatalog:provisioning', values: ['true'] }],
      },
    ]);
    expect(inlinePolicyNames(tf, built.role)).toEqual(['launch-sagemaker-project']);
  });

  test("an engine's statements are added to the same policy", () => {
    const engine = synthScope((scope) => new LaunchRole(scope, 'launch-role', { roleName: 'acme-sc-launch', engineStatements: [INVOKE] }));
    const withEngine = inlinePolicy(engine.tf, engine.built.role, 'launch-sagemaker-project');
    expect(withEngine.map((statement) => statement.sid)).toEqual([
      'ManageProductStacks',
      'ReadTemplates',
      'ReadServiceCatalogTemplateCopies',
      'InvokeProvisioning',
    ]);
    expect(withEngine[3]).toEqual(INVOKE);
  });
});
