import { TerraformOutput } from 'cdktf';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { terraformLiteral } from '../../../constructs/terraform/literal';
import { ref, synthScope } from '../../support/synth-scope';

describe('terraformLiteral', () => {
  test('escapes Terraform template sequences so text reaches AWS verbatim', () => {
    expect(terraformLiteral('Fn::Sub: ${AWS::Region} %{if x}')).toBe('Fn::Sub: $${AWS::Region} %%{if x}');
    expect(terraformLiteral('no sequences: $HOME {x}')).toBe('no sequences: $HOME {x}');
  });

  test('keeps cdktf tokens, which become Terraform references at synth', () => {
    const { tf, built } = synthScope((scope) => {
      const bucket = new S3Bucket(scope, 'bucket', { bucket: 'b' });
      new TerraformOutput(scope, 'text', { value: terraformLiteral(`bucket=${bucket.bucket} region=\${AWS::Region}`) });
      return bucket;
    });
    expect(tf.output.text.value).toBe(`bucket=${ref(built, 'bucket')} region=$\${AWS::Region}`);
  });
});
