import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { ServicecatalogProvisioningArtifact } from '@cdktf/provider-aws/lib/servicecatalog-provisioning-artifact';
import { ProductVersions, TemplateVersion } from '../../../constructs/service-catalog/product-versions';
import { addressOf, all, synthScope } from '../../support/synth-scope';

const url = (version: string) => `https://acme-tfstate.s3.us-east-1.amazonaws.com/command-runner/templates/sagemaker-project-${version}.yaml`;
const CURRENT: TemplateVersion = { version: 'aaaaaaaaaaaa', templateUrl: url('aaaaaaaaaaaa') };

const versionsIn = (retained?: TemplateVersion[]) =>
  synthScope((scope) => {
    const object = new S3Object(scope, 'template', { bucket: 'acme-tfstate', key: 'k', content: 'x' });
    return { object, versions: new ProductVersions(scope, 'versions', { productId: 'prod-abc', current: CURRENT, currentTemplateObject: object, retained }) };
  });

describe('ProductVersions', () => {
  test('the current template is the DEFAULT version, named by its hash, created after its template is uploaded', () => {
    const { json, tf, built } = versionsIn();
    expect(json).toHaveResourceWithProperties(ServicecatalogProvisioningArtifact, {
      product_id: 'prod-abc',
      name: 'aaaaaaaaaaaa',
      description: 'Template aaaaaaaaaaaa',
      type: 'CLOUD_FORMATION_TEMPLATE',
      template_url: url('aaaaaaaaaaaa'),
      guidance: 'DEFAULT',
      active: true,
      depends_on: [addressOf(built.object)],
    });
    expect(Object.keys(all(tf, 'aws_servicecatalog_provisioning_artifact'))).toEqual([expect.stringMatching(/^versions_version-aaaaaaaaaaaa_/)]);
  });

  test('retained versions stay, DEPRECATED, with their own URLs: one Terraform resource per hash', () => {
    const { tf } = versionsIn([
      { version: '0123456789ab', templateUrl: url('0123456789ab') },
      { version: 'abcdefabcdef', templateUrl: url('abcdefabcdef') },
    ]);
    const versions = Object.entries<any>(all(tf, 'aws_servicecatalog_provisioning_artifact')).map(([id, version]) => [
      id.replace(/_[0-9A-F]+$/, ''),
      version.guidance,
      version.template_url,
      version.active,
    ]);
    expect(versions.sort()).toEqual([
      ['versions_version-0123456789ab', 'DEPRECATED', url('0123456789ab'), true],
      ['versions_version-aaaaaaaaaaaa', 'DEFAULT', url('aaaaaaaaaaaa'), true],
      ['versions_version-abcdefabcdef', 'DEPRECATED', url('abcdefabcdef'), true],
    ]);
  });

  test('retaining the current version is refused with the fix', () => {
    expect(() => versionsIn([CURRENT])).toThrow(
      'serviceCatalog.retainedTemplateVersions lists aaaaaaaaaaaa, which is the current template version: remove it from the list.',
    );
  });
});
