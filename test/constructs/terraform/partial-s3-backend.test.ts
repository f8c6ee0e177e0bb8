import { PartialS3Backend } from '../../../constructs/terraform/partial-s3-backend';
import { synthScope } from '../../support/synth-scope';

describe('PartialS3Backend', () => {
  test('declares an S3 backend with no settings: all of them arrive at terraform init', () => {
    const { tf } = synthScope((scope) => new PartialS3Backend(scope));
    expect(tf.terraform.backend).toEqual({ s3: {} });
  });

  test('has no fixed location to read remote state from', () => {
    expect(() =>
      synthScope((scope) => {
        new PartialS3Backend(scope).getRemoteStateDataSource(scope, 'remote', 'other');
      }),
    ).toThrow('PartialS3Backend has no fixed location to read remote state from; pass the values explicitly.');
  });
});
