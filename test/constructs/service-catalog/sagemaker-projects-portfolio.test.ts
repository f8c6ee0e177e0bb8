import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { ServicecatalogConstraint } from '@cdktf/provider-aws/lib/servicecatalog-constraint';
import { ServicecatalogPortfolio } from '@cdktf/provider-aws/lib/servicecatalog-portfolio';
import { ServicecatalogProduct } from '@cdktf/provider-aws/lib/servicecatalog-product';
import { ServicecatalogProductPortfolioAssociation } from '@cdktf/provider-aws/lib/servicecatalog-product-portfolio-association';
import { LaunchRole } from '../../../constructs/service-catalog/launch-role';
import { SageMakerProjectsPortfolio, SageMakerProjectsPortfolioProps } from '../../../constructs/service-catalog/sagemaker-projects-portfolio';
import { addressOf, all, child, configOf, ref, synthScope } from '../../support/synth-scope';

const TEMPLATE = {
  version: 'aaaaaaaaaaaa',
  templateUrl: 'https://acme-tfstate.s3.us-east-1.amazonaws.com/command-runner/templates/sagemaker-project-aaaaaaaaaaaa.yaml',
};
const PRINCIPALS = ['arn:aws:iam::111122223333:role/ds-lead', 'arn:aws:iam:::role/service-role/AmazonSageMaker-ExecutionRole-*'];

const { json, tf, built } = synthScope((scope) => {
  const object = new S3Object(scope, 'template', { bucket: 'acme-tfstate', key: 'k', content: 'x' });
  const launchRole = new LaunchRole(scope, 'launch-role', { roleName: 'acme-sc-launch' });
  const props: SageMakerProjectsPortfolioProps = {
    portfolioName: 'acme-sagemaker-projects',
    portfolioOwner: 'ML Platform',
    productName: 'acme-sagemaker-project',
    productOwner: 'ML Platform team',
    template: TEMPLATE,
    templateObject: object,
    launchRole: launchRole.role,
    principalArns: PRINCIPALS,
  };
  return { object, launchRole, portfolio: new SageMakerProjectsPortfolio(scope, 'portfolio', props) };
});
const { portfolio } = built;

describe('SageMakerProjectsPortfolio', () => {
  test('the portfolio carries its name and owner', () => {
    expect(json).toHaveResourceWithProperties(ServicecatalogPortfolio, { name: 'acme-sagemaker-projects', provider_name: 'ML Platform' });
  });

  test('the product is a CloudFormation template from S3, visible in Studio, created after the template is uploaded', () => {
    expect(json).toHaveResourceWithProperties(ServicecatalogProduct, {
      name: 'acme-sagemaker-project',
      owner: 'ML Platform team',
      type: 'CLOUD_FORMATION_TEMPLATE',
      tags: { 'sagemaker:studio-visibility': 'true' },
      depends_on: [addressOf(built.object)],
    });
  });

  test('the product keeps its initial version forever (ignore_changes), so a template change never replaces it', () => {
    const product = configOf(tf, portfolio.product);
    expect(product.provisioning_artifact_parameters).toEqual({
      name: 'initial',
      description: 'Template aaaaaaaaaaaa, the version the product was created with',
      type: 'CLOUD_FORMATION_TEMPLATE',
      template_url: TEMPLATE.templateUrl,
    });
    expect(product.lifecycle).toEqual({ ignore_changes: ['provisioning_artifact_parameters'] });
  });

  test('the current template is a version of the product', () => {
    const versions = Object.values<any>(all(tf, 'aws_servicecatalog_provisioning_artifact'));
    expect(versions).toEqual([
      expect.objectContaining({ product_id: ref(portfolio.product, 'id'), name: 'aaaaaaaaaaaa', guidance: 'DEFAULT', template_url: TEMPLATE.templateUrl }),
    ]);
  });

  test('the product is in the portfolio, launched with the launch role once associated', () => {
    const association = child<ServicecatalogProductPortfolioAssociation>(portfolio, 'product-association');
    expect(json).toHaveResourceWithProperties(ServicecatalogProductPortfolioAssociation, {
      portfolio_id: ref(portfolio.portfolio, 'id'),
      product_id: ref(portfolio.product, 'id'),
    });
    expect(json).toHaveResourceWithProperties(ServicecatalogConstraint, {
      type: 'LAUNCH',
      portfolio_id: ref(portfolio.portfolio, 'id'),
      product_id: ref(portfolio.product, 'id'),
      parameters: `\${jsonencode({"RoleArn" = ${addressOf(built.launchRole.role.resource)}.arn})}`,
      depends_on: [addressOf(association)],
    });
  });

  test('is shared with the Studio roles after the launch constraint: IAM for role ARNs, IAM_PATTERN for wildcards', () => {
    const constraint = child<ServicecatalogConstraint>(portfolio, 'launch-constraint');
    const associations = Object.values<any>(all(tf, 'aws_servicecatalog_principal_portfolio_association'));
    expect(associations).toEqual([
      { portfolio_id: ref(portfolio.portfolio, 'id'), principal_arn: PRINCIPALS[0], principal_type: 'IAM', depends_on: [addressOf(constraint)] },
      { portfolio_id: ref(portfolio.portfolio, 'id'), principal_arn: PRINCIPALS[1], principal_type: 'IAM_PATTERN', depends_on: [addressOf(constraint)] },
    ]);
  });
});
