import { randomBytes } from 'node:crypto';
import { FakeAwsHandler, SECRET_NOT_FOUND, secretArn, secretName, secretsManager } from '../harness/fake-aws';

/**
 * Secrets Manager holding `values` (name -> current value), which PutSecretValue changes. Names in
 * `empty` exist without a value, as Terraform creates the trigger-token secret.
 */
export function mutableSecretsManager(values: Record<string, string>, empty: Set<string> = new Set()): FakeAwsHandler {
  const read = secretsManager(values);
  return (request) => {
    if (request.target !== 'secretsmanager.PutSecretValue') return read(request);
    const { SecretId, SecretString } = JSON.parse(request.body);
    const name = secretName(String(SecretId));
    if (!(name in values) && !empty.has(name)) return SECRET_NOT_FOUND;
    values[name] = SecretString;
    return { body: JSON.stringify({ ARN: secretArn(name), Name: name, VersionId: randomBytes(16).toString('hex'), VersionStages: ['AWSCURRENT'] }) };
  };
}

export interface FakeAccessKey {
  readonly id: string;
  readonly secret: string;
  status: 'Active' | 'Inactive';
  readonly created: Date;
}

const xml = (action: string, result: string) =>
  `<${action}Response xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><${action}Result>${result}</${action}Result>` +
  `<ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></${action}Response>`;

const iamError = (code: string, message: string, status = 400) => ({
  status,
  contentType: 'text/xml',
  body: `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>0</RequestId></ErrorResponse>`,
});

/** IAM's access keys of the users in `users` (name -> keys): list, create (at most two per user), delete. */
export function iamAccessKeys(users: Record<string, FakeAccessKey[]>): FakeAwsHandler {
  return ({ action, form }) => {
    if (!['ListAccessKeys', 'CreateAccessKey', 'DeleteAccessKey'].includes(action)) return undefined;
    const userName = form.get('UserName') ?? '';
    const keys = users[userName];
    if (!keys) return iamError('NoSuchEntity', `The user with name ${userName} cannot be found.`, 404);
    const member = (key: FakeAccessKey) =>
      `<member><UserName>${userName}</UserName><AccessKeyId>${key.id}</AccessKeyId><Status>${key.status}</Status><CreateDate>${key.created.toISOString()}</CreateDate></member>`;
    if (action === 'ListAccessKeys') {
      return {
        contentType: 'text/xml',
        body: xml(action, `<AccessKeyMetadata>${keys.map(member).join('')}</AccessKeyMetadata><IsTruncated>false</IsTruncated>`),
      };
    }
    if (action === 'CreateAccessKey') {
      if (keys.length >= 2) return iamError('LimitExceeded', `Cannot exceed quota for AccessKeysPerUser: 2`, 409);
      const key: FakeAccessKey = {
        id: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`,
        secret: randomBytes(30).toString('base64'),
        status: 'Active',
        created: new Date(),
      };
      keys.push(key);
      return {
        contentType: 'text/xml',
        body: xml(
          action,
          `<AccessKey><UserName>${userName}</UserName><AccessKeyId>${key.id}</AccessKeyId><Status>Active</Status><SecretAccessKey>${key.secret}</SecretAccessKey><CreateDate>${key.created.toISOString()}</CreateDate></AccessKey>`,
        ),
      };
    }
    const index = keys.findIndex((key) => key.id === form.get('AccessKeyId'));
    if (index < 0) return iamError('NoSuchEntity', `The Access Key with id ${form.get('AccessKeyId')} cannot be found.`, 404);
    keys.splice(index, 1);
    return { contentType: 'text/xml', body: xml(action, '') };
  };
}
