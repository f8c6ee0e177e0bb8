import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Fn, TerraformStack } from 'cdktf';
import { policyDocument, PolicyStatement, serviceTrust } from '../../constructs/iam/policy';
import { Role } from '../../constructs/iam/role';
import { EncryptionKey } from '../../constructs/security/encryption-key';
import { IamNoWildcardAction } from '../../guardrails/rules/iam-no-wildcard-action';
import { IamNoWriteOnWildcardResource } from '../../guardrails/rules/iam-no-write-on-wildcard-resource';
import { IamPassRoleScoped } from '../../guardrails/rules/iam-pass-role-scoped';
import { PoliciesReadable } from '../../guardrails/rules/policies-readable';
import { ResourcePoliciesNamePrincipals } from '../../guardrails/rules/resource-policies-name-principals';
import { findings } from './support';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/service-role/AmazonSageMakerServiceCatalogProductsUseRole';
const PASSED_TO_SAGEMAKER = [{ test: 'StringEquals', variable: 'iam:PassedToService', values: ['sagemaker.amazonaws.com'] }];

/** A role with one inline policy holding `statements`; findings point at `test/role/policy-p-document`. */
const roleWith = (statements: PolicyStatement[]) => (stack: TerraformStack) => {
  new Role(stack, 'role', { roleName: 'r', description: 'r', trust: [serviceTrust('lambda.amazonaws.com')] }).addToPolicy('p', statements);
};
const DOCUMENT = 'test/role/policy-p-document';

describe('CKV_AWS_49 IamNoWildcardAction', () => {
  test('listed actions comply; "*" and NotAction are named with the statement', () => {
    expect(findings(IamNoWildcardAction, roleWith([{ effect: 'Allow', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] }]))).toEqual([]);
    const result = findings(
      IamNoWildcardAction,
      roleWith([
        { sid: 'Admin', effect: 'Allow', actions: ['*'], resources: ['arn:aws:s3:::b'] },
        { effect: 'Allow', notActions: ['iam:*'], resources: ['*'] },
        { sid: 'DenyAll', effect: 'Deny', actions: ['*'], resources: ['*'] },
      ]),
    );
    expect(result).toEqual([
      { path: DOCUMENT, subject: 'Admin', problem: 'allows every action ("*").' },
      { path: DOCUMENT, subject: '#2', problem: 'allows every action except iam:* (NotAction).' },
    ]);
  });

  test('inline policies written with Fn.jsonencode are read too', () => {
    const result = findings(IamNoWildcardAction, (stack) => {
      new IamRolePolicy(stack, 'inline', {
        role: 'r',
        policy: Fn.jsonencode({ Version: '2012-10-17', Statement: [{ Sid: 'Everything', Effect: 'Allow', Action: '*', Resource: '*' }] }),
      });
    });
    expect(result).toEqual([{ path: 'test/inline', subject: 'Everything', problem: 'allows every action ("*").' }]);
  });

  test('key policies are resource policies: the account-root delegation of EncryptionKey is not an identity finding', () => {
    expect(findings(IamNoWildcardAction, (stack) => new EncryptionKey(stack, 'key', { alias: 'alias/k', description: 'k' }))).toEqual([]);
  });
});

describe('CKV_AWS_111 IamNoWriteOnWildcardResource', () => {
  test('writes on named resources and reads on "*" comply', () => {
    const result = findings(
      IamNoWriteOnWildcardResource,
      roleWith([
        { effect: 'Allow', actions: ['s3:PutObject'], resources: ['arn:aws:s3:::bucket/*'] },
        { effect: 'Allow', actions: ['cloudformation:ValidateTemplate', 'cloudformation:GetTemplateSummary', 'ec2:Describe*'], resources: ['*'] },
      ]),
    );
    expect(result).toEqual([]);
  });

  test('writes, service wildcards and unknown verbs on "*" are findings; so is NotResource', () => {
    const result = findings(
      IamNoWriteOnWildcardResource,
      roleWith([
        { sid: 'Writes', effect: 'Allow', actions: ['s3:GetObject', 's3:PutObject', 'kms:Decrypt', 'sqs:*'], resources: ['*'] },
        { sid: 'AllBuckets', effect: 'Allow', actions: ['s3:DeleteBucket'], resources: ['arn:aws:s3:::*'] },
        { sid: 'AllBut', effect: 'Allow', actions: ['s3:PutObject'], notResources: ['arn:aws:s3:::private/*'] },
      ]),
    );
    expect(result).toEqual([
      { path: DOCUMENT, subject: 'Writes', problem: 'allows s3:PutObject, kms:Decrypt, sqs:* on every resource.' },
      { path: DOCUMENT, subject: 'AllBuckets', problem: 'allows s3:DeleteBucket on every resource.' },
      { path: DOCUMENT, subject: 'AllBut', problem: 'allows s3:PutObject on every resource.' },
    ]);
  });
});

describe('SMP_IAM_PASSROLE_SCOPED IamPassRoleScoped', () => {
  test('a named role passed to one service complies, by ARN or by reference', () => {
    const result = findings(IamPassRoleScoped, (stack) => {
      const passed = new Role(stack, 'passed', { roleName: 'passed', description: 'p', trust: [serviceTrust('sagemaker.amazonaws.com')] });
      roleWith([{ effect: 'Allow', actions: ['iam:PassRole'], resources: [ROLE_ARN, passed.roleArn], condition: PASSED_TO_SAGEMAKER }])(stack);
    });
    expect(result).toEqual([]);
  });

  test('"*", role wildcards and a missing iam:PassedToService are named', () => {
    const result = findings(
      IamPassRoleScoped,
      roleWith([
        { sid: 'AnyRole', effect: 'Allow', actions: ['iam:PassRole'], resources: ['*'], condition: PASSED_TO_SAGEMAKER },
        { sid: 'RolePattern', effect: 'Allow', actions: ['iam:Pass*'], resources: ['arn:aws:iam::123456789012:role/ml-*'], condition: PASSED_TO_SAGEMAKER },
        { sid: 'AnyService', effect: 'Allow', actions: ['iam:PassRole'], resources: [ROLE_ARN] },
        { sid: 'NotPassRole', effect: 'Allow', actions: ['iam:GetRole'], resources: ['*'] },
      ]),
    );
    expect(result).toEqual([
      { path: DOCUMENT, subject: 'AnyRole', problem: 'allows iam:PassRole but passes *, which is not one named role.' },
      { path: DOCUMENT, subject: 'RolePattern', problem: 'allows iam:PassRole but passes arn:aws:iam::123456789012:role/ml-*, which is not one named role.' },
      { path: DOCUMENT, subject: 'AnyService', problem: 'allows iam:PassRole but has no iam:PassedToService condition.' },
    ]);
  });
});

describe('SMP_RESOURCE_POLICY_PRINCIPALS ResourcePoliciesNamePrincipals', () => {
  test('EncryptionKey (account root and the logs service) complies', () => {
    const result = findings(
      ResourcePoliciesNamePrincipals,
      (stack) => new EncryptionKey(stack, 'key', { alias: 'alias/k', description: 'k', logGroupArns: ['arn:aws:logs:us-east-1:123456789012:log-group:x'] }),
    );
    expect(result).toEqual([]);
  });

  test('a key policy or trust policy allowing anyone is named; "*" confined to an account is accepted', () => {
    const result = findings(ResourcePoliciesNamePrincipals, (stack) => {
      const anyone = [{ type: 'AWS', identifiers: ['*'] }];
      new KmsKey(stack, 'open-key', {
        enableKeyRotation: true,
        policy: policyDocument(stack, 'key-policy', [
          { sid: 'Anyone', effect: 'Allow', principals: anyone, actions: ['kms:Decrypt'], resources: ['*'] },
          {
            sid: 'OwnAccount',
            effect: 'Allow',
            principals: anyone,
            actions: ['kms:Decrypt'],
            resources: ['*'],
            condition: [{ test: 'StringEquals', variable: 'aws:PrincipalAccount', values: ['123456789012'] }],
          },
        ]).json,
      });
      new Role(stack, 'open-role', { roleName: 'open', description: 'o', trust: [{ effect: 'Allow', actions: ['sts:AssumeRole'], principals: anyone }] });
    });
    expect(result).toEqual([
      { path: 'test/key-policy', subject: 'Anyone', problem: 'allows anyone ("*") without confining the account or source.' },
      { path: 'test/open-role/trust', subject: '#1', problem: 'allows anyone ("*") without confining the account or source.' },
    ]);
  });
});

describe('SMP_POLICY_READABLE PoliciesReadable', () => {
  test('documents, JSON and jsonencode are readable; any other expression is a finding', () => {
    expect(findings(PoliciesReadable, roleWith([{ effect: 'Allow', actions: ['s3:GetObject'], resources: ['*'] }]))).toEqual([]);
    const result = findings(PoliciesReadable, (stack) => {
      new IamRolePolicy(stack, 'json', { role: 'r', policy: JSON.stringify({ Statement: [] }) });
      new IamRolePolicy(stack, 'file', { role: 'r', policy: Fn.file('policy.json') });
    });
    expect(result).toEqual([
      {
        path: 'test/file',
        problem: 'policy: the policy ${file("policy.json")} is neither an aws_iam_policy_document of this stack, JSON, nor jsonencode({...})',
      },
    ]);
  });
});
