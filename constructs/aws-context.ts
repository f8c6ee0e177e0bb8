import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';

/**
 * Account, partition and region of the stack, looked up once per stack and shared by every
 * construct that builds an ARN.
 */
export class AwsContext extends Construct {
  /** The one AwsContext of the stack that holds `scope`. */
  static of(scope: Construct): AwsContext {
    const stack = TerraformStack.of(scope);
    const existing = stack.node.tryFindChild(AwsContext.ID);
    return existing instanceof AwsContext ? existing : new AwsContext(stack, AwsContext.ID);
  }

  private static readonly ID = 'aws-context';

  readonly accountId: string;
  readonly partition: string;
  readonly region: string;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    this.accountId = new DataAwsCallerIdentity(this, 'caller').accountId;
    this.partition = new DataAwsPartition(this, 'partition').partition;
    this.region = new DataAwsRegion(this, 'region').name;
  }

  /** `arn:<partition>:<service>:<region>:<account>:<resource>`; pass '' to leave region or account out. */
  arn(service: string, resource: string, options: { region?: string; account?: string } = {}): string {
    const region = options.region ?? this.region;
    const account = options.account ?? this.accountId;
    return `arn:${this.partition}:${service}:${region}:${account}:${resource}`;
  }
}
