import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { Construct } from 'constructs';
import { AwsContext } from '../aws-context';
import { DEPLOY_RECORDS } from '../../contract/deploy-records';
import { GRANTS_POLICY, IGrantable } from '../iam/policy';
import { IEncryptionKey } from '../security/encryption-key';
import { grantTableActions } from '../storage/table-grant';

export interface DeployRecordsTableProps {
  /** Table name. */
  readonly tableName: string;
  /** Key encrypting the table (the platform's, used for this table only). */
  readonly encryptionKey: IEncryptionKey;
}

/**
 * The project's deploy records (contract/deploy-records.ts): one item per approved model package
 * version, written by the deploy trigger and claimed by the deploy pipeline, so one approval deploys
 * once. On-demand, point-in-time recovery, KMS, expired records deleted by TTL.
 */
export class DeployRecordsTable extends Construct {
  readonly resource: DynamodbTable;
  readonly tableName: string;
  readonly tableArn: string;
  private readonly encryptionKey: IEncryptionKey;

  constructor(scope: Construct, id: string, props: DeployRecordsTableProps) {
    super(scope, id);
    this.encryptionKey = props.encryptionKey;
    this.resource = new DynamodbTable(this, 'table', {
      name: props.tableName,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: DEPLOY_RECORDS.partitionKey,
      attribute: [{ name: DEPLOY_RECORDS.partitionKey, type: 'S' }],
      ttl: { enabled: true, attributeName: DEPLOY_RECORDS.ttlAttribute },
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: props.encryptionKey.keyArn },
    });
    // The configured name, not the resource's attribute: policies that name it resolve when Terraform plans.
    this.tableName = props.tableName;
    // Built from the name, so policies naming the table resolve when Terraform plans.
    this.tableArn = AwsContext.of(this).arn('dynamodb', `table/${props.tableName}`);
  }

  /** Item access with `actions` (e.g. GetItem, UpdateItem), and the key's use for this table only. */
  grantItems(grantee: IGrantable, actions: string[], policyName = GRANTS_POLICY): void {
    grantTableActions(grantee, this, this.encryptionKey, actions, policyName);
  }
}
