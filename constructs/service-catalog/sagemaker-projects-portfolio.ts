import { ServicecatalogConstraint } from '@cdktf/provider-aws/lib/servicecatalog-constraint';
import { ServicecatalogPortfolio } from '@cdktf/provider-aws/lib/servicecatalog-portfolio';
import { ServicecatalogPrincipalPortfolioAssociation } from '@cdktf/provider-aws/lib/servicecatalog-principal-portfolio-association';
import { ServicecatalogProduct } from '@cdktf/provider-aws/lib/servicecatalog-product';
import { ServicecatalogProductPortfolioAssociation } from '@cdktf/provider-aws/lib/servicecatalog-product-portfolio-association';
import { Fn, ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { Role } from '../iam/role';
import { ProductVersions, TemplateVersion } from './product-versions';

/** Tag that makes a Service Catalog product visible in SageMaker Studio's organization templates. */
export const STUDIO_VISIBILITY_TAG = { 'sagemaker:studio-visibility': 'true' } as const;

export interface SageMakerProjectsPortfolioProps {
  readonly portfolioName: string;
  readonly portfolioOwner: string;
  readonly productName: string;
  readonly productOwner: string;
  /** The current template: its version (content hash) and HTTPS URL in S3. */
  readonly template: TemplateVersion;
  /** The template's S3 object: the product and its version are created after it. */
  readonly templateObject: ITerraformDependable;
  /** Earlier template versions kept as DEPRECATED product versions. @default none */
  readonly retainedVersions?: TemplateVersion[];
  /** Role Service Catalog launches the product with (launch constraint); give it a propagation delay. */
  readonly launchRole: Role;
  /** Role ARNs (IAM) or account-less wildcard ARNs (IAM_PATTERN) that see the product in Studio. */
  readonly principalArns: string[];
}

/**
 * The Service Catalog portfolio and product a data science lead picks in SageMaker Studio:
 * product tagged for Studio, launch constraint with the launch role, shared with the Studio roles.
 */
export class SageMakerProjectsPortfolio extends Construct {
  readonly portfolio: ServicecatalogPortfolio;
  readonly product: ServicecatalogProduct;
  readonly versions: ProductVersions;

  constructor(scope: Construct, id: string, props: SageMakerProjectsPortfolioProps) {
    super(scope, id);
    this.portfolio = new ServicecatalogPortfolio(this, 'portfolio', {
      name: props.portfolioName,
      description: 'Amazon SageMaker project templates backed by Terraform and GitLab',
      providerName: props.portfolioOwner,
    });
    this.product = new ServicecatalogProduct(this, 'product', {
      name: props.productName,
      owner: props.productOwner,
      description: 'MLOps project: GitLab repositories with CI/CD for SageMaker Pipelines and endpoints, provisioned by Terraform',
      type: 'CLOUD_FORMATION_TEMPLATE',
      // A product needs a version to be created; later versions are ProductVersions. Any change here
      // would replace the product and orphan every project created from it, hence ignore_changes.
      provisioningArtifactParameters: {
        name: 'initial',
        description: `Template ${props.template.version}, the version the product was created with`,
        type: 'CLOUD_FORMATION_TEMPLATE',
        templateUrl: props.template.templateUrl,
      },
      tags: { ...STUDIO_VISIBILITY_TAG },
      dependsOn: [props.templateObject],
      lifecycle: { ignoreChanges: ['provisioning_artifact_parameters'] },
    });
    this.versions = new ProductVersions(this, 'versions', {
      productId: this.product.id,
      current: props.template,
      currentTemplateObject: props.templateObject,
      retained: props.retainedVersions,
    });
    const association = new ServicecatalogProductPortfolioAssociation(this, 'product-association', {
      portfolioId: this.portfolio.id,
      productId: this.product.id,
    });

    const constraint = new ServicecatalogConstraint(this, 'launch-constraint', {
      description: 'Launch SageMaker project templates with the launch role',
      portfolioId: this.portfolio.id,
      productId: this.product.id,
      type: 'LAUNCH',
      parameters: Fn.jsonencode({ RoleArn: props.launchRole.roleArn }),
      dependsOn: [association],
    });

    props.principalArns.forEach((principalArn, index) => {
      new ServicecatalogPrincipalPortfolioAssociation(this, `principal-${index}`, {
        portfolioId: this.portfolio.id,
        principalArn,
        principalType: principalArn.includes('*') ? 'IAM_PATTERN' : 'IAM',
        dependsOn: [constraint],
      });
    });
  }
}
