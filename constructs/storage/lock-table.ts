import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { Construct } from 'constructs';
import { AwsContext } from '../aws-context';
import { GRANTS_POLICY, IGrantable } from '../iam/policy';
import { IEncryptionKey } from '../security/encryption-key';
import { grantTableActions } from './table-grant';

export interface LockTableProps {
  /** Table name. */
  readonly tableName: string;
  /** KMS key for server-side encryption. */
  readonly encryptionKey: IEncryptionKey;
}

/**
 * DynamoDB table for Terraform state locking (`LockID` string key): on-demand, point-in-time
 * recovery, encrypted with the platform key, protected from accidental deletion.
 */
export class LockTable extends Construct {
  readonly resource: DynamodbTable;
  readonly tableName: string;
  readonly tableArn: string;
  private readonly encryptionKey: IEncryptionKey;

  constructor(scope: Construct, id: string, props: LockTableProps) {
    super(scope, id);
    this.encryptionKey = props.encryptionKey;
    this.resource = new DynamodbTable(this, 'table', {
      name: props.tableName,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: 'LockID',
      attribute: [{ name: 'LockID', type: 'S' }],
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: props.encryptionKey.keyArn },
      deletionProtectionEnabled: true,
    });
    // The configured name, not the resource's attribute: policies that name it resolve when Terraform plans.
    this.tableName = props.tableName;
    // Built from the name, so policies naming the table resolve when Terraform plans.
    this.tableArn = AwsContext.of(this).arn('dynamodb', `table/${props.tableName}`);
  }

  /** What Terraform's S3 backend does with the lock table, and the key's use for this table. */
  grantLock(grantee: IGrantable, policyName = GRANTS_POLICY): void {
    grantTableActions(grantee, this, this.encryptionKey, ['DescribeTable', 'GetItem', 'PutItem', 'DeleteItem'], policyName);
  }
}
