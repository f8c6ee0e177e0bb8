import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { Construct } from 'constructs';
import { PolicyStatement } from '../iam/policy';

export interface LockTableProps {
  /** Table name. */
  readonly tableName: string;
  /** KMS key ARN for server-side encryption. */
  readonly kmsKeyArn: string;
}

/**
 * DynamoDB table for Terraform state locking (`LockID` string key): on-demand, point-in-time
 * recovery, encrypted with the platform key, protected from accidental deletion.
 */
export class LockTable extends Construct {
  readonly resource: DynamodbTable;
  readonly tableName: string;
  readonly tableArn: string;

  constructor(scope: Construct, id: string, props: LockTableProps) {
    super(scope, id);
    this.resource = new DynamodbTable(this, 'table', {
      name: props.tableName,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: 'LockID',
      attribute: [{ name: 'LockID', type: 'S' }],
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: props.kmsKeyArn },
      deletionProtectionEnabled: true,
    });
    this.tableName = this.resource.name;
    this.tableArn = this.resource.arn;
  }

  /** What Terraform's S3 backend does with the lock table. */
  lockStatements(): PolicyStatement[] {
    return [
      { effect: 'Allow', actions: ['dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'], resources: [this.tableArn] },
    ];
  }
}
