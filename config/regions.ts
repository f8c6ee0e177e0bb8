import { z } from 'zod';
import { closestMatches, orList } from './suggest';

/**
 * AWS Regions of the commercial (`aws`), China (`aws-cn`) and GovCloud (`aws-us-gov`) partitions,
 * opt-in Regions included. The ISO and European Sovereign Cloud partitions are left out.
 *
 * Source: the partitions data of the AWS SDK for JavaScript v3 (`@aws-sdk/core` 3.981.2, published
 * 2026-11-24, the version in package-lock.json: submodules/client/util-endpoints/lib/aws/partitions),
 * without its `*-global` pseudo-regions; checked against the AWS documentation page "AWS Region
 * billing codes" (https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-region-billing-codes.html)
 * on REGION_LIST_DATE. A Region AWS opens later is added here.
 */
export const AWS_REGIONS = [
  // aws
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'me-west-1',
  'mx-central-1',
  'sa-east-1',
  'sa-west-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  // aws-cn
  'cn-north-1',
  'cn-northwest-1',
  // aws-us-gov
  'us-gov-east-1',
  'us-gov-west-1',
] as const;

export const REGION_LIST_DATE = '2026-11-30';

const REGION_RULE = `an AWS Region (commercial, China or GovCloud, opt-in Regions included; list of ${REGION_LIST_DATE} in config/regions.ts)`;

/** The rule broken by `input`, with the Regions closest to it. */
function regionMessage(input: unknown, rule: string): string {
  const matches = typeof input === 'string' ? closestMatches(input, AWS_REGIONS) : [];
  return matches.length > 0 ? `${rule}; did you mean ${orList(matches)}?` : rule;
}

/** A Region code from AWS_REGIONS. */
export const awsRegion = () => z.enum(AWS_REGIONS, { error: (issue) => regionMessage(issue.input, `must be ${REGION_RULE}`) });

/** A Region code from AWS_REGIONS, or empty for `emptyMeans`. */
export const awsRegionOrEmpty = (emptyMeans: string) =>
  z.enum(['', ...AWS_REGIONS], { error: (issue) => regionMessage(issue.input, `must be empty (${emptyMeans}) or ${REGION_RULE}`) });
