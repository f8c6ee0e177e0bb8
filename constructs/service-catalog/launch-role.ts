import { Construct } from 'constructs';
import { AwsContext } from '../aws-context';
import { PolicyStatement, serviceTrust } from '../iam/policy';
import { Role } from '../iam/role';

export interface LaunchRoleProps {
  readonly roleName: string;
  /** Statements the engine's template resource needs at launch (e.g. invoking the provisioning function). @default none */
  readonly engineStatements?: PolicyStatement[];
}

/**
 * The role Service Catalog launches the product with (launch constraint): it creates, updates and
 * deletes the product's CloudFormation stacks (`SC-*`) and reads Service Catalog's copies of the
 * template, nothing else; what the stack's resource does runs under the runner's own identity.
 */
export class LaunchRole extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: LaunchRoleProps) {
    super(scope, id);
    const aws = AwsContext.of(this);
    this.role = new Role(this, 'role', {
      roleName: props.roleName,
      description: 'Service Catalog launch role of the SageMaker project product',
      trust: [serviceTrust('servicecatalog.amazonaws.com')],
      // Service Catalog rejects a launch constraint whose role IAM has not propagated yet.
      propagationDelaySeconds: 30,
    });
    this.role.addToPolicy('launch-sagemaker-project', [
      {
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
        resources: [aws.arn('cloudformation', 'stack/SC-*')],
      },
      {
        sid: 'ReadTemplates',
        effect: 'Allow',
        actions: ['cloudformation:GetTemplateSummary', 'cloudformation:ValidateTemplate'],
        // These actions do not support resource-level permissions.
        resources: ['*'],
      },
      {
        // Service Catalog launches from its own copy of the template, tagged for its launch roles.
        sid: 'ReadServiceCatalogTemplateCopies',
        effect: 'Allow',
        actions: ['s3:GetObject'],
        resources: ['*'],
        condition: [{ test: 'StringEquals', variable: 's3:ExistingObjectTag/servicecatalog:provisioning', values: ['true'] }],
      },
      ...(props.engineStatements ?? []),
    ]);
  }
}
