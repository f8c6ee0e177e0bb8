import { dirname } from 'node:path';
import { AWS_REGIONS } from '../../config/regions';
import { problemsOf, testConfig, writeConfigFile } from '../support/config';

const RULE = 'an AWS Region (commercial, China or GovCloud, opt-in Regions included; list of 2026-11-30 in config/regions.ts)';

describe('regions are checked against the list of AWS Regions', () => {
  test('an unknown region fails at synth with the field, the value, the close matches and the variable', () => {
    expect(problemsOf({ SMP_REGION: 'eu-west-9' })).toBe(
      'Invalid configuration (embedded defaults + SMP_* environment variables):\n' +
        `  - region = "eu-west-9": must be ${RULE}; did you mean eu-west-1, eu-west-2 or eu-west-3? (from SMP_REGION)`,
    );
  });

  test("the platform state's region too, named with the file it came from", () => {
    const file = writeConfigFile({ platformState: { bucket: 'acme-platform-state', region: 'us-east-3' } });
    expect(problemsOf({}, dirname(file))).toBe(
      `Invalid configuration (embedded defaults + ${file}):\n` +
        `  - platformState.region = "us-east-3": must be empty (the stack's region) or ${RULE}; did you mean us-east-1 or us-east-2? (from ${file})`,
    );
  });

  test('upper case is a close match; nothing close gives the rule alone', () => {
    expect(problemsOf({ SMP_REGION: 'EU-WEST-1' })).toContain(`region = "EU-WEST-1": must be ${RULE}; did you mean eu-west-1? (from SMP_REGION)`);
    expect(problemsOf({ SMP_REGION: 'mars-north-9' })).toContain(`region = "mars-north-9": must be ${RULE} (from SMP_REGION)`);
  });

  test.each(['ap-southeast-7', 'mx-central-1', 'il-central-1', 'cn-northwest-1', 'us-gov-west-1'])(
    '%s (opt-in, China or GovCloud) is accepted for both region fields',
    (region) => {
      const config = testConfig({ SMP_REGION: region, SMP_PLATFORM_STATE_REGION: region });
      expect([config.region, config.platformState.region]).toEqual([region, region]);
    },
  );

  test('the list holds Region codes only, each once (no *-global pseudo-region)', () => {
    expect(new Set(AWS_REGIONS).size).toBe(AWS_REGIONS.length);
    expect(AWS_REGIONS.filter((region) => !/^[a-z]{2}(-gov)?-[a-z]+-\d+$/.test(region))).toEqual([]);
  });
});
