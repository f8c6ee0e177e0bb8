import { Testing, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { parse } from 'yaml';
import { mapInterpolations } from '../../guardrails/terraform-text';
import { ProjectTemplate, ProjectTemplateProps } from '../../constructs/command-runner/project-template';
import { Synthesized, resources } from './synth';

/** CloudFormation pseudo parameters a template may reference. */
export const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

/**
 * A Terraform template string as Terraform renders it: `$${` and `%%{` become literal `${` and `%{`,
 * and each interpolation `${expr}` becomes `values[expr]`, or `<expr>` when no value is given.
 */
export function renderTerraform(text: string, values: Record<string, string> = {}): string {
  const marked = mapInterpolations(text, (expression) => `\u0000${expression}\u0000`);
  return (
    marked
      .replace(/\$\$\{/g, '${')
      .replace(/%%\{/g, '%{')
      // NUL marks where an interpolation was: it cannot occur in the template's text.
      // eslint-disable-next-line no-control-regex
      .replace(/\$\{\u0000([^\u0000]*)\u0000\}/g, (_whole, expression: string) => values[expression] ?? `<${expression}>`)
  );
}

/** The project template object of a synthesized service-catalog stack: its resource and its rendered, parsed body. */
export function templateOf(stack: Synthesized): { object: any; body: string; document: any } {
  const objects = Object.values<any>(resources(stack, 'aws_s3_object')).filter((object) => String(object.key).startsWith('command-runner/templates/'));
  if (objects.length !== 1) throw new Error(`expected one template object, found ${objects.length}`);
  const body = renderTerraform(objects[0].content);
  return { object: objects[0], body, document: parse(body) };
}

/** Names referenced as `${Name}` in an Fn::Sub string (`${!...}` is a literal). */
export function subReferences(text: string): string[] {
  return [...text.matchAll(/\$\{(?!!)([^}]+)\}/g)].map((match) => match[1]);
}

/** Every Ref target and Fn::Sub variable of a template section. */
export function referencedNames(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(referencedNames);
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) => {
    if (key === 'Ref' && typeof value === 'string') return [value];
    if (key === 'Fn::Sub') {
      const [text, variables] = Array.isArray(value) ? value : [value, {}];
      const local = new Set(Object.keys(variables as object));
      return [...subReferences(text).filter((name) => !local.has(name)), ...referencedNames(variables)];
    }
    return referencedNames(value);
  });
}

/** Default template settings for tests that build a ProjectTemplate on its own, with plain values. */
export const STANDALONE_TEMPLATE: ProjectTemplateProps = {
  engine: {
    kind: 'commandrunner',
    commandRunner: {
      timeoutSeconds: 3600,
      instanceType: 't3.medium',
      subnetId: '',
      securityGroupId: '',
      instanceProfileName: 'example-dev-mlops-project-runner',
      logGroupName: '/sagemaker-projects/example-dev-mlops/command-runner',
    },
  },
  runner: {
    bucket: 'platform-bucket',
    lockTable: 'terraform-lock-example-dev-mlops',
    stateKmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    terraformVersion: '1.11.4',
    terraformSha256: 'a'.repeat(64),
    artifactBucketOnDelete: 'keep',
    runnerScript: { key: `command-runner/run-terraform/${'b'.repeat(64)}.sh`, sha256: 'b'.repeat(64) },
    terraformCode: { key: `command-runner/tf-code/${'c'.repeat(64)}.zip`, sha256: 'c'.repeat(64) },
  },
};

/** A ProjectTemplate in a stack of its own. */
export function standaloneTemplate(props: Partial<ProjectTemplateProps> = {}): ProjectTemplate {
  const stack = new TerraformStack(Testing.app(), 'template-only');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  return new ProjectTemplate(stack, 'template', { ...STANDALONE_TEMPLATE, ...props });
}
