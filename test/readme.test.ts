import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { NON_CONFIG_VARIABLES } from '../config/environment';
import { CONFIG_FIELDS, CONFIG_GROUPS } from '../config/fields';
import { ConfigError, loadConfig } from '../config/load';
import { DEFAULT_CONFIG } from '../config/defaults';
import { COMMAND_RUNNER_TIMEOUT } from '../config/schema';
import { AL2023_STANDARD_IMAGE } from '../constructs/codebuild-runner/codebuild-runner';
import { DEPLOY_TRIGGER_RETRIES } from '../constructs/sagemaker-project/deploy-trigger';
import { projectNames } from '../constructs/sagemaker-project/names';
import { CI_VARIABLES } from '../contract/ci-variables';
import { DEPLOY_RECORDS } from '../contract/deploy-records';
import { PROJECT_PARAMETERS, ProjectParameter } from '../contract/project-parameters';
import { CUSTOM_RESOURCE_TYPE } from '../contract/provisioner';
import { ARTIFACT_KEYS, stateKeyOf } from '../contract/runner';
import { SUPPRESSION_RULE_ID } from '../guardrails/evaluate';
import { SECURITY_PACK, TENANT_RULES } from '../guardrails/security-pack';
import { TARGETS, TYPICAL_SECONDS } from '../tools/bench';
import { latencyRows, RunnerMeasurements } from '../tools/runner-latency';
import { anchorOf, headings, inlineCode, markedBlock, README, ROOT, section, tableRows, unquoted } from './support/readme';
import { resources, synthApp, testConfig } from './support/synth';
import { writeSeedFixture } from './support/seed-fixture';
import { DEBIAN_PACKAGES } from './harness/prerequisites';

/** Paths the README names that are generated, never committed: each must be ignored by git. */
const GENERATED_PATHS = ['cdktf.out/', 'bench-results/bench.txt'];

/** Files a user creates (the README tells them how): not in the repository. */
const USER_FILES = ['project.config.json', 'terraform.service-catalog.tfstate', 'event.json'];

/**
 * Names AWS (or the machine) defines, which no code of this repository spells: IAM roles SageMaker
 * creates, the AWS CLI's profile variable.
 */
const AWS_DEFINED = ['AmazonSageMakerServiceCatalogProductsUseRole', 'AmazonSageMakerServiceCatalogProductsLaunchRole', 'AWS_PROFILE'];

const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

/** Everything the product's own files and the test harness say (tests and the README excluded): where a name the README uses must exist. */
const SOURCES = (() => {
  const texts: string[] = [];
  const walk = (path: string) => {
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path)) if (!['node_modules', '__pycache__'].includes(entry)) walk(join(path, entry));
    } else if (!/\.(zip|png|pyc)$/.test(path)) texts.push(readFileSync(path, 'utf8'));
  };
  // test/harness: the variables a test run reads (the README documents them).
  for (const entry of [
    'main.ts',
    'package.json',
    'config',
    'contract',
    'constructs',
    'stacks',
    'lambda',
    'guardrails',
    'tools',
    'seed-code',
    '.ci',
    'test/harness',
  ])
    walk(join(ROOT, entry));
  return texts.join('\n');
})();

const config = testConfig();
const { serviceCatalog, sagemakerProject } = synthApp(config, writeSeedFixture());

describe('README structure', () => {
  test('the table of contents links every section, and every link inside the README has its heading', () => {
    const contents = section('Contents');
    const linked = [...contents.matchAll(/\]\(#([^)]+)\)/g)].map((match) => match[1]);
    const sections = README.split('\n')
      .filter((line) => line.startsWith('## '))
      .map((line) => line.slice(3))
      .filter((title) => title !== 'Contents');
    expect(linked).toEqual(sections.map(anchorOf));
    const anchors = headings().map(anchorOf);
    const links = [...README.matchAll(/\]\(#([^)]+)\)/g)].map((match) => match[1]);
    expect(links.filter((link) => !anchors.includes(link))).toEqual([]);
  });

  test('the quick start is two commands, after the machine prerequisites', () => {
    expect(markedBlock('quick-start')).toBe('npm ci && npm run synth\nnpm test');
    const quickStart = section('Quick start');
    expect(quickStart.indexOf('Node.js 20')).toBeLessThan(quickStart.indexOf('<!-- quick-start -->'));
    expect(quickStart.indexOf('Terraform 1.11.x')).toBeLessThan(quickStart.indexOf('<!-- quick-start -->'));
  });

  test('the prerequisites name the Node.js and Terraform versions the project pins', () => {
    expect(packageJson.engines.node).toBe('>=20');
    expect(readFileSync(join(ROOT, '.nvmrc'), 'utf8').trim()).toMatch(/^v?20(\.|$)/);
    const [major, minor] = DEFAULT_CONFIG.runner.terraformVersion.split('.');
    expect(section('Quick start')).toContain(`Terraform ${major}.${minor}.x`);
  });

  test('the Debian packages it lists are the ones the test command checks and installs', () => {
    const sentence = /These Debian packages: ([^.]+)\./.exec(section('Quick start').replace(/\s+/g, ' '));
    expect(sentence).not.toBeNull();
    expect(inlineCode(sentence![1]).sort()).toEqual([...DEBIAN_PACKAGES].sort());
  });

  test('cdktf is always run as npx cdktf', () => {
    expect(README.match(/(?<!npx )\bcdktf (synth|deploy|diff|destroy|output|get|list|init)\b/g)).toBeNull();
  });
});

describe('what the README names exists', () => {
  test('every npm script it names is in package.json', () => {
    const named = [...new Set([...README.matchAll(/npm run (?:--silent )?([\w:-]+)/g)].map((match) => match[1]))];
    const scripts = Object.keys(packageJson.scripts);
    expect(named.filter((name) => !scripts.includes(name))).toEqual([]);
  });

  test('every repository path it names exists (generated ones are ignored by git)', () => {
    const topLevel = readdirSync(ROOT);
    const tracked = (name: string) => [...SOURCES.matchAll(new RegExp(name.replace(/\./g, '\\.'), 'g'))].length > 0;
    const candidates = [...new Set(inlineCode())]
      .map((token) => token.split(/\s/)[0])
      .filter((token) => !/[<*:=]/.test(token) && !token.startsWith('/') && !token.startsWith('http'))
      .filter((token) =>
        token.includes('/')
          ? topLevel.includes(token.split('/')[0]) || GENERATED_PATHS.includes(token)
          : /^\.?[\w.-]+\.(ts|json|md|sh|js|yml|py|tf)$|^\.[a-z]+$/.test(token),
      );
    expect(candidates.length).toBeGreaterThan(20);
    const ignored = readFileSync(join(ROOT, '.gitignore'), 'utf8').split('\n');
    const missing = candidates.filter((path) => {
      if (GENERATED_PATHS.includes(path)) return !ignored.includes(path.split('/')[0] + '/');
      if (USER_FILES.includes(path)) return existsSync(join(ROOT, path)) && !ignored.includes(path);
      // A bare file name (staging-config.json) may live anywhere in the tree the README talks about.
      return path.includes('/') ? !existsSync(join(ROOT, path)) : !existsSync(join(ROOT, path)) && !tracked(path);
    });
    expect(missing).toEqual([]);
  });

  test('every SMP_ name is a configuration variable, a documented non-configuration variable or a guardrail id; the non-configuration ones are all listed', () => {
    const known = [
      ...CONFIG_FIELDS.map((field) => field.variable),
      ...Object.keys(NON_CONFIG_VARIABLES),
      ...[...SECURITY_PACK, ...TENANT_RULES].map((rule) => rule.id),
      SUPPRESSION_RULE_ID,
    ];
    const named = [...new Set(README.match(/\bSMP_[A-Z0-9_]+/g))];
    expect(named.filter((name) => !known.includes(name))).toEqual([]);
    expect(Object.keys(NON_CONFIG_VARIABLES).filter((name) => !section('Configuration').includes(`\`${name}\``))).toEqual([]);
  });

  test('every configuration field it names (group.field) exists', () => {
    const fields = CONFIG_FIELDS.map((field) => field.name);
    const named = inlineCode()
      .map((token) => token.split('=')[0])
      .filter((token) => /^[a-z][A-Za-z0-9]*\.[a-z][A-Za-z0-9]*$/.test(token) && CONFIG_GROUPS.includes(token.split('.')[0]));
    expect(named.length).toBeGreaterThan(20);
    expect(named.filter((name) => !fields.includes(name))).toEqual([]);
  });

  test('every CloudFormation parameter or other PascalCase name it quotes exists in the contract, the code, or AWS', () => {
    const parameters = PROJECT_PARAMETERS.map((parameter) => parameter.name) as string[];
    const pascal = [...new Set(inlineCode().flatMap((token) => token.match(/\b[A-Z][a-z0-9]+(?:[A-Z][A-Za-z0-9]*)+\b/g) ?? []))];
    expect(pascal).toEqual(expect.arrayContaining(parameters));
    expect(pascal.filter((name) => !parameters.includes(name) && !SOURCES.includes(name) && !AWS_DEFINED.includes(name))).toEqual([]);
  });

  test('every variable-like name (UPPER_SNAKE, snake_case) it quotes exists in the code', () => {
    const ruleIds = [...SECURITY_PACK, ...TENANT_RULES].flatMap((rule) => [rule.id, ...rule.checkov]);
    const names = [
      ...new Set(inlineCode().flatMap((token) => token.match(/\b(?:[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b/g) ?? [])),
    ].filter((name) => !name.startsWith('SMP_') && !ruleIds.includes(name));
    expect(names.length).toBeGreaterThan(30);
    expect(names.filter((name) => !SOURCES.includes(name) && !AWS_DEFINED.includes(name))).toEqual([]);
  });

  test('every TF_VAR_ it names is a variable of a stack, and every variable of the service-catalog stack is named', () => {
    const variables = [...Object.keys(serviceCatalog.variable), ...Object.keys(sagemakerProject.variable)];
    const named = [...new Set([...README.matchAll(/TF_VAR_([a-z0-9_]+)/g)].map((match) => match[1]))];
    expect(named.filter((name) => !variables.includes(name))).toEqual([]);
    expect(Object.keys(serviceCatalog.variable).filter((name) => !named.includes(name))).toEqual([]);
  });
});

describe('README tables match the code', () => {
  test('the configuration table lists every field, in order, with its variable and exact default', () => {
    const rows = tableRows(markedBlock('config-table'));
    expect(rows.map(([field, variable, fallback]) => [unquoted(field), unquoted(variable), unquoted(fallback)])).toEqual(
      CONFIG_FIELDS.map((field) => [field.name, field.variable, JSON.stringify(field.fallback)]),
    );
  });

  test('the configuration table states the CommandRunner timeout range the schema enforces', () => {
    const row = tableRows(markedBlock('config-table')).find(([field]) => field === '`commandRunner.timeoutSeconds`')!;
    expect(row[3]).toContain(`(${COMMAND_RUNNER_TIMEOUT.min}-${COMMAND_RUNNER_TIMEOUT.max})`);
  });

  test('the sample configuration error is the one the loader gives', () => {
    let message = '';
    try {
      loadConfig({ env: { SMP_GITLAB_CI_AUTH_MODE: 'password' }, cwd: '/nonexistent' });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(markedBlock('config-error')).toBe(message);
  });

  test('the Studio form table is the contract: every parameter, in form order, with its default and engines', () => {
    const rows = tableRows(markedBlock('form'));
    expect(rows.map(([name, , fallback, engines]) => [unquoted(name), fallback, engines])).toEqual(
      (PROJECT_PARAMETERS as readonly ProjectParameter[]).map((parameter) => [
        parameter.name,
        parameter.default === undefined ? 'none' : parameter.default === '' ? 'empty' : `\`${parameter.default}\``,
        parameter.engines.join(', '),
      ]),
    );
  });

  test('the project stack inputs are exactly its variables, each with the parameter it comes from', () => {
    const rows = tableRows(section('Project stack inputs'));
    const fromParameter = Object.fromEntries(
      (PROJECT_PARAMETERS as readonly ProjectParameter[]).filter((parameter) => parameter.variable).map((parameter) => [parameter.variable, parameter.name]),
    );
    expect(rows.map(([variable]) => unquoted(variable)).sort()).toEqual(Object.keys(sagemakerProject.variable).sort());
    const ruleOf = Object.fromEntries((PROJECT_PARAMETERS as readonly ProjectParameter[]).map((parameter) => [parameter.variable, parameter.rule.expected]));
    for (const [variable, from, checked] of rows) {
      const name = unquoted(variable);
      expect([name, from]).toEqual([name, fromParameter[name] ? `\`${fromParameter[name]}\`` : expect.stringMatching(/^the runner/)]);
      if (ruleOf[name]) expect([name, checked]).toEqual([name, ruleOf[name]]);
    }
  });

  test("a project's CI/CD variables are the ones the project stack sets, all of them", () => {
    const listed = inlineCode(section('Creating a project in Studio').split('### ')[0]).filter((token) => /^[A-Z][A-Z_]+$/.test(token));
    expect([...CI_VARIABLES.common, ...CI_VARIABLES.deploy, ...CI_VARIABLES.oidc, ...CI_VARIABLES.accessKeys].filter((name) => !listed.includes(name))).toEqual(
      [],
    );
  });

  test('the project stack outputs are exactly its outputs', () => {
    expect(
      tableRows(section('Project stack outputs'))
        .map(([output]) => unquoted(output))
        .sort(),
    ).toEqual(Object.keys(sagemakerProject.output).sort());
  });

  test('the service-catalog outputs are exactly its outputs', () => {
    expect(
      tableRows(section('Outputs of the `service-catalog` stack'))
        .map(([output]) => unquoted(output))
        .sort(),
    ).toEqual(Object.keys(serviceCatalog.output).sort());
  });

  test('the guardrails table is the pack: every rule with its id, name and checkov ids', () => {
    const rows = tableRows(markedBlock('guardrails'));
    expect(rows).toEqual(
      [...SECURITY_PACK.map((rule) => ({ rule, suffix: '' })), ...TENANT_RULES.map((rule) => ({ rule, suffix: ' (project stack)' }))].map(
        ({ rule, suffix }) => [`\`${rule.id}\``, `\`${rule.name}\`${suffix}`, rule.checkov.length > 0 ? rule.checkov.join(', ') : 'none'],
      ),
    );
  });

  test('the names table holds exactly the names the code derives, and every <prefix> name in the README is one of them', () => {
    const names = config.names;
    const account = '<account id>';
    const generic = (name: string) => name.split(names.prefix).join('<prefix>').split(config.region).join('<region>');
    const project = projectNames(`${names.prefix}-`, '<project name>', '<project id>', { build: '', deploy: '' });
    const platformNames = [
      names.stateBucket(account),
      names.lockTable,
      names.kmsAlias,
      names.logGroup,
      names.runnerRole,
      names.projectBoundary,
      names.projectIamPath,
      names.gitlabTokenSecret,
      names.launchRole,
      names.portfolio,
      names.product,
      ...Object.values(names.codeBuildRunner),
      names.commandRunnerTypeRole,
      names.commandRunnerTypeLogGroup,
      names.projectTemplateBucket(account),
    ];
    const projectOwn = [
      project.artifactBucket,
      project.ciIdentity,
      project.pipelineRole,
      project.seedRole,
      project.deployTriggerRole,
      project.seedFunction,
      project.deployTriggerFunction,
      project.approvalRule,
      project.deployFailureQueue,
      project.deployRecordsTable,
      project.triggerTokenSecret,
    ];
    const expected = [...new Set([...platformNames, ...projectOwn].map(generic))];
    const table = markedBlock('names');
    const inTable = [...new Set(inlineCode(table).filter((token) => token.includes('<prefix>')))];
    expect(inTable.sort()).toEqual(expected.sort());
    expect(inlineCode(table)).toEqual(
      expect.arrayContaining([
        stateKeyOf('<project id>'),
        project.modelPackageGroup,
        project.buildCodeRepository,
        project.deployCodeRepository,
        `${project.endpointPrefix}staging`,
        `${project.endpointPrefix}prod`,
      ]),
    );
    expect(section('Names')).toContain(
      `\`<prefix>\` stands for \`<organization>-<environment>-<role>\` from the configuration\n(\`${names.prefix}\` on the defaults)`,
    );

    // Elsewhere too: a name with <prefix> is a derived name, a function's log group, or a pattern over the project names.
    const functions = [names.codeBuildRunner.function, project.seedFunction, project.deployTriggerFunction].map((name) => `/aws/lambda/${generic(name)}`);
    const patterns = [`${generic(names.projectResourcePrefix)}p-*`, `${generic(project.prefix)}*`];
    const everywhere = [
      ...new Set(
        inlineCode()
          .flatMap((token) => token.split(/\s+(?![^<>]*>)/))
          .filter((word) => word.includes('<prefix>') && word !== '<prefix>'),
      ),
    ];
    expect(everywhere.filter((token) => ![...expected, ...functions, ...patterns].includes(token))).toEqual([]);
  });

  test('the provider versions to mirror are the ones the stacks require', () => {
    const sourceOf = (source: string) => (source.includes('/') ? source : `hashicorp/${source}`);
    const providers = (stack: Record<string, any>) =>
      Object.values<any>(stack.terraform.required_providers).map((provider) => `${sourceOf(provider.source)}\` ${provider.version}`);
    const deploy = section('Deploy').replace(/\s+/g, ' ');
    expect(providers(serviceCatalog)).toEqual([`hashicorp/aws\` 5.100.0`]);
    expect(deploy).toContain(`platform stack's only provider, \`registry.terraform.io/${providers(serviceCatalog)[0]}`);
    for (const provider of providers(sagemakerProject)) expect(deploy).toContain(`\`${provider}`);
  });
});

describe('README figures match the code', () => {
  test('the delivery guarantees state the retries, queue retention and record lifetime the project stack sets', () => {
    const queue = Object.values<any>(resources(sagemakerProject, 'aws_sqs_queue'))[0];
    const text = section('Delivery guarantees').replace(/\s+/g, ' ');
    expect(text).toContain(`(up to ${DEPLOY_TRIGGER_RETRIES.eventBridgeAttempts} retries within ${DEPLOY_TRIGGER_RETRIES.eventAgeSeconds / 3600} hour)`);
    expect(text).toContain(`failed all of Lambda's ${DEPLOY_TRIGGER_RETRIES.lambdaAttempts} retries`);
    expect(text).toContain(`kept ${queue.message_retention_seconds / 86400} days`);
    expect(text).toContain(`kept ${DEPLOY_RECORDS.lifetimeDays} days`);
  });

  test('the CodeBuild engine section states the image, timeouts and resource type it synthesizes', () => {
    const codeBuild = synthApp(testConfig({ SMP_RUNNER_ENGINE: 'codebuild' }), writeSeedFixture()).serviceCatalog;
    const project = Object.values<any>(resources(codeBuild, 'aws_codebuild_project'))[0];
    const text = section('What the CodeBuild engine adds').replace(/\s+/g, ' ');
    expect(project.environment.image).toBe(AL2023_STANDARD_IMAGE);
    expect(text).toContain(`image \`${AL2023_STANDARD_IMAGE}\``);
    expect(text).toContain(`build timeout ${project.build_timeout} minutes, queue timeout ${project.queued_timeout} minutes`);
    const template = Object.values<any>(resources(codeBuild, 'aws_s3_object')).find((object) => String(object.key).startsWith(ARTIFACT_KEYS.templatePrefix));
    const serviceTimeout = Number(/ServiceTimeout: "?(\d+)/.exec(template.content)![1]);
    expect(text).toContain(`(\`${CUSTOM_RESOURCE_TYPE}\`, service timeout ${serviceTimeout / 60} minutes)`);
    const deadLetters = Object.values<any>(resources(codeBuild, 'aws_sqs_queue')).find((queue) => String(queue.name).endsWith('-dlq'));
    expect(text).toContain(`dead-letter queue kept ${deadLetters.message_retention_seconds / 86400} days`);
    expect(section('Runner engines')).toContain(`\`${AL2023_STANDARD_IMAGE}\``);
  });

  test("Performance states bench's targets, and measured figures that meet them and match the durations bench announces", () => {
    const text = section('Performance').replace(/\s+/g, ' ');
    const megabytes = TARGETS.app.maxBytes / (1024 * 1024);
    expect(text).toContain(
      `(the app ≤ ${TARGETS.app.maxSeconds} s and ≤ ${megabytes} MB, \`npm run synth\` ≤ ${TARGETS.synth.maxSeconds} s, the suite ≤ ${TARGETS.suite.maxSeconds} s)`,
    );
    const app = /the app (\d+\.\d+) s and (\d+) MB/.exec(text);
    const synth = /`npm run synth` (\d+\.\d+) s/.exec(text);
    const suite = /the full test suite (\d+\.\d+) s \(median of 3/.exec(text);
    expect([app, synth, suite]).not.toContain(null);
    const figures = [
      { seconds: Number(app![1]), target: TARGETS.app.maxSeconds, typical: TYPICAL_SECONDS['app synth process'] },
      { seconds: Number(synth![1]), target: TARGETS.synth.maxSeconds, typical: TYPICAL_SECONDS['npm run synth'] },
      { seconds: Number(suite![1]), target: TARGETS.suite.maxSeconds, typical: TYPICAL_SECONDS['full test suite'] },
    ];
    expect(Number(app![2])).toBeLessThanOrEqual(megabytes);
    for (const { seconds, target, typical } of figures) {
      expect(seconds).toBeLessThanOrEqual(target);
      // bench announces its duration from TYPICAL_SECONDS: the README's figure and that estimate are one measurement.
      expect(Math.abs(seconds - typical) / typical).toBeLessThan(0.15);
    }
  });

  test('the latency tables are what the bench prints for the measured figures the README states', () => {
    const measured = /cold init (\d+\.\d+) s \(CPU (\d+\.\d+) s\), warm init (\d+\.\d+) s\s+\(CPU (\d+\.\d+) s\)/.exec(section('Creation latency budget'));
    const runs = /median of (\d+) runs/.exec(section('Creation latency budget'));
    expect(measured).not.toBeNull();
    expect(runs).not.toBeNull();
    const [cold, coldCpu, warm, warmCpu] = measured!.slice(1).map(Number);
    const archiveMb = Number(/aws provider \((\d+) MB\)/.exec(markedBlock('latency:commandrunner'))![1]);
    const measurements: RunnerMeasurements = {
      coldInit: { seconds: cold, cpuSeconds: coldCpu },
      warmInit: { seconds: warm, cpuSeconds: warmCpu },
      providerArchiveBytes: archiveMb * 1e6,
      runs: Number(runs![1]),
    };
    const rows = latencyRows(measurements);
    for (const engine of ['codebuild', 'commandrunner'] as const) {
      const steps = rows
        .filter((row) => row.measure.startsWith(`  ${engine}: `))
        .map((row) => [row.measure.slice(`  ${engine}: `.length), row.value, row.status]);
      const total = rows.find((row) => row.measure === `${engine}: Studio "Create" → project ready`)!;
      expect(tableRows(markedBlock(`latency:${engine}`))).toEqual([...steps, ['**Studio "Create" → project ready**', `**${total.value}**`, '']]);
    }
  });
});
