import { testConfig, problemsOf } from '../support/config';

describe('CommandRunner configuration', () => {
  test('defaults: one-hour timeout, x86_64 instance, default VPC, Terraform 1.11.4 with its published checksum', () => {
    const { commandRunner, runner, s3ProjectTemplate, serviceCatalog } = testConfig();
    expect(commandRunner.timeoutSeconds).toBe(3600);
    expect(commandRunner.instanceType).toBe('t3.medium');
    expect(commandRunner.subnetId).toBe('');
    expect(commandRunner.securityGroupId).toBe('');
    expect(runner.terraformVersion).toBe('1.11.4');
    // terraform_1.11.4_linux_amd64.zip in https://releases.hashicorp.com/terraform/1.11.4/terraform_1.11.4_SHA256SUMS
    expect(runner.terraformSha256).toBe('1ce994251c00281d6845f0f268637ba50c0005657eb3cf096b92f753b42ef4dc');
    expect(commandRunner.typeReleasePackage).toBe('');
    expect(s3ProjectTemplate.enabled).toBe(false);
    expect(serviceCatalog.retainedTemplateVersions).toEqual([]);
  });

  test('every setting can be overridden from the environment', () => {
    const config = testConfig({
      SMP_COMMAND_RUNNER_TIMEOUT_SECONDS: '7200',
      SMP_COMMAND_RUNNER_INSTANCE_TYPE: 'm5.large',
      SMP_COMMAND_RUNNER_SUBNET_ID: 'subnet-0123456789abcdef0',
      SMP_COMMAND_RUNNER_SECURITY_GROUP_ID: 'sg-0123456789abcdef0',
      SMP_RUNNER_TERRAFORM_VERSION: '1.12.0',
      SMP_RUNNER_TERRAFORM_SHA256: 'a'.repeat(64),
      SMP_COMMAND_RUNNER_TYPE_RELEASE_PACKAGE: 's3://platform-artifacts/commandrunner/awsutility-cloudformation-commandrunner.zip',
      SMP_S3_PROJECT_TEMPLATE_ENABLED: 'true',
      SMP_SERVICE_CATALOG_RETAINED_TEMPLATE_VERSIONS: '0123456789ab,ba9876543210',
    });
    expect(config.commandRunner).toEqual({
      timeoutSeconds: 7200,
      instanceType: 'm5.large',
      subnetId: 'subnet-0123456789abcdef0',
      securityGroupId: 'sg-0123456789abcdef0',
      typeReleasePackage: 's3://platform-artifacts/commandrunner/awsutility-cloudformation-commandrunner.zip',
    });
    expect(config.runner).toEqual({
      engine: 'commandrunner',
      artifactBucketOnDelete: 'keep',
      roleName: '',
      terraformVersion: '1.12.0',
      terraformSha256: 'a'.repeat(64),
    });
    expect(config.s3ProjectTemplate.enabled).toBe(true);
    expect(config.serviceCatalog.retainedTemplateVersions).toEqual(['0123456789ab', 'ba9876543210']);
  });

  describe('bad settings fail with a message naming the field, the value and the fix', () => {
    test('a timeout outside what CommandRunner accepts', () => {
      expect(problemsOf({ SMP_COMMAND_RUNNER_TIMEOUT_SECONDS: '43201' })).toContain(
        'commandRunner.timeoutSeconds = 43201: must be at most 43200 seconds (12 hours)',
      );
      expect(problemsOf({ SMP_COMMAND_RUNNER_TIMEOUT_SECONDS: '60' })).toContain('commandRunner.timeoutSeconds = 60: must be at least 600 seconds');
      expect(problemsOf({ SMP_COMMAND_RUNNER_TIMEOUT_SECONDS: '900.5' })).toContain('must be a whole number of seconds');
    });

    test.each(['t4g.medium', 'm7g.large', 'c6gn.xlarge', 'a1.large', 'g5g.xlarge', 'im4gn.large'])('the Graviton instance type %s', (type) => {
      const message = problemsOf({ SMP_COMMAND_RUNNER_INSTANCE_TYPE: type });
      expect(message).toContain(`commandRunner.instanceType = "${type}": is a Graviton (arm64) type`);
      expect(message).toContain('SMP_COMMAND_RUNNER_INSTANCE_TYPE');
    });

    test.each(['t3.medium', 'm5.large', 'g4dn.xlarge', 'c5n.large', 'r6i.large'])('the x86_64 instance type %s is accepted', (type) => {
      expect(testConfig({ SMP_COMMAND_RUNNER_INSTANCE_TYPE: type }).commandRunner.instanceType).toBe(type);
    });

    test('an instance type that is not one', () => {
      expect(problemsOf({ SMP_COMMAND_RUNNER_INSTANCE_TYPE: 'large' })).toContain('must be an EC2 instance type such as t3.medium');
    });

    test('malformed subnet and security group ids', () => {
      expect(problemsOf({ SMP_COMMAND_RUNNER_SUBNET_ID: 'my-subnet' })).toContain('commandRunner.subnetId = "my-subnet": must be empty or a subnet id');
      expect(problemsOf({ SMP_COMMAND_RUNNER_SUBNET_ID: 'subnet-0123456789abcdef0', SMP_COMMAND_RUNNER_SECURITY_GROUP_ID: 'sg-xyz' })).toContain(
        'commandRunner.securityGroupId = "sg-xyz": must be empty or a security group id',
      );
    });

    test('a security group without a subnet', () => {
      const message = problemsOf({ SMP_COMMAND_RUNNER_SECURITY_GROUP_ID: 'sg-0123456789abcdef0' });
      expect(message).toContain('commandRunner.securityGroupId = "sg-0123456789abcdef0": needs commandRunner.subnetId too');
    });

    test('a Terraform version without the S3 lock file', () => {
      const message = problemsOf({ SMP_RUNNER_TERRAFORM_VERSION: '1.10.5', SMP_RUNNER_TERRAFORM_SHA256: 'b'.repeat(64) });
      expect(message).toContain('runner.terraformVersion = "1.10.5": must be 1.11.0 or later');
      expect(problemsOf({ SMP_RUNNER_TERRAFORM_VERSION: 'latest' })).toContain('must be a Terraform release version such as 1.11.4');
    });

    test('a new Terraform version that keeps the old checksum', () => {
      const message = problemsOf({ SMP_RUNNER_TERRAFORM_VERSION: '1.12.1' });
      expect(message).toContain('runner.terraformSha256 = "1ce99425');
      expect(message).toContain('is the checksum of Terraform 1.11.4; set the SHA-256 of terraform_1.12.1_linux_amd64.zip');
      expect(message).toContain('https://releases.hashicorp.com/terraform/1.12.1/terraform_1.12.1_SHA256SUMS');
    });

    test('a checksum that is not a SHA-256', () => {
      expect(problemsOf({ SMP_RUNNER_TERRAFORM_SHA256: 'ABC' })).toContain(
        'runner.terraformSha256 = "ABC": must be a SHA-256 in lowercase hex (64 characters)',
      );
    });

    test('a release package location that is not an S3 zip', () => {
      const message = problemsOf({ SMP_COMMAND_RUNNER_TYPE_RELEASE_PACKAGE: 'https://github.com/x/y/releases/commandrunner.zip' });
      expect(message).toContain('commandRunner.typeReleasePackage = "https://github.com/x/y/releases/commandrunner.zip"');
      expect(message).toContain('s3://my-bucket/awsutility-cloudformation-commandrunner.zip');
    });

    test('a type execution role name that the CommandRunner handler would corrupt', () => {
      const message = problemsOf({
        SMP_ENVIRONMENT: 'tests',
        SMP_COMMAND_RUNNER_TYPE_RELEASE_PACKAGE: 's3://platform-artifacts/awsutility-cloudformation-commandrunner.zip',
      });
      expect(message).toContain('"example-tests-mlops-commandrunner-type" contains "sts"');
      expect(testConfig({ SMP_ENVIRONMENT: 'tests' }).names.commandRunnerTypeRole).toBe('example-tests-mlops-commandrunner-type');
    });

    test('a retained template version that is not a version', () => {
      expect(problemsOf({ SMP_SERVICE_CATALOG_RETAINED_TEMPLATE_VERSIONS: 'v1' })).toContain(
        'serviceCatalog.retainedTemplateVersions.0 = "v1": each entry must be a template version',
      );
    });

    test('an S3 project template switch that is not a boolean', () => {
      expect(problemsOf({ SMP_S3_PROJECT_TEMPLATE_ENABLED: 'yes' })).toContain(
        's3ProjectTemplate.enabled = "yes": must be true or false (from SMP_S3_PROJECT_TEMPLATE_ENABLED)',
      );
    });

    test('an S3 project template bucket name over the S3 limit, checked only when publishing', () => {
      // The state bucket name fits (60 characters); the template bucket name is 5 characters longer.
      const env = { SMP_ORGANIZATION: 'platformorg', SMP_ROLE: 'mlopsteam1234' };
      expect(testConfig(env).names.projectTemplateBucket('123456789012')).toBe('platformorg-dev-mlopsteam1234-sm-templates-123456789012-us-east-1');
      expect(problemsOf({ ...env, SMP_S3_PROJECT_TEMPLATE_ENABLED: 'true' })).toContain(
        'S3 bucket name (SageMaker S3 project template) "platformorg-dev-mlopsteam1234-sm-templates-123456789012-us-east-1" is 65 characters; the limit is 63. Shorten organization or environment or role or region.',
      );
    });
  });
});
