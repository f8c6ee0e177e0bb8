import { ServicecatalogProvisioningArtifact } from '@cdktf/provider-aws/lib/servicecatalog-provisioning-artifact';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';

/** One version of the product's template. */
export interface TemplateVersion {
  /** Version name: the template's content hash. */
  readonly version: string;
  /** HTTPS URL of the template in S3 that the version is (or was) created from. */
  readonly templateUrl: string;
}

export interface ProductVersionsProps {
  /** Product the versions belong to. */
  readonly productId: string;
  /** The current template; a new provisioning artifact whenever its hash changes. */
  readonly current: TemplateVersion;
  /** The current template's S3 object: the version is created after it is uploaded. */
  readonly currentTemplateObject: ITerraformDependable;
  /** Earlier versions kept, marked DEPRECATED, instead of being deleted. @default none */
  readonly retained?: TemplateVersion[];
}

/**
 * The product's versions (provisioning artifacts), one Terraform resource per template hash, so a
 * template change adds a version and never replaces the product (which would orphan every project
 * created from it). SageMaker provisions the latest version when none is named; retained earlier
 * versions stay for the projects created from them, DEPRECATED so that no new project starts on them.
 * A version dropped from the configuration is deleted.
 */
export class ProductVersions extends Construct {
  readonly current: ServicecatalogProvisioningArtifact;

  constructor(scope: Construct, id: string, props: ProductVersionsProps) {
    super(scope, id);
    const retained = props.retained ?? [];
    if (retained.some((version) => version.version === props.current.version)) {
      throw new Error(
        `serviceCatalog.retainedTemplateVersions lists ${props.current.version}, which is the current template version: remove it from the list.`,
      );
    }
    this.current = this.version(props.productId, props.current, 'DEFAULT', [props.currentTemplateObject]);
    for (const version of retained) this.version(props.productId, version, 'DEPRECATED', []);
  }

  private version(
    productId: string,
    version: TemplateVersion,
    guidance: 'DEFAULT' | 'DEPRECATED',
    dependsOn: ITerraformDependable[],
  ): ServicecatalogProvisioningArtifact {
    return new ServicecatalogProvisioningArtifact(this, `version-${version.version}`, {
      productId,
      name: version.version,
      description: `Template ${version.version}`,
      type: 'CLOUD_FORMATION_TEMPLATE',
      templateUrl: version.templateUrl,
      guidance,
      active: true,
      dependsOn,
    });
  }
}
