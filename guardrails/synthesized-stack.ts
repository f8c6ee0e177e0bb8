import { escapeRegExp, isObject } from './terraform-text';

/** A suppression as it appears in an element's synthesized `//.guardrails.suppressions`. */
export interface SuppressionRecord {
  /** Id of the suppressed rule. */
  readonly rule: string;
  /** Why the finding is acceptable here. */
  readonly reason: string;
  /** Subjects (e.g. policy statement sids) the suppression is limited to; absent = all. */
  readonly appliesTo?: string[];
}

/** One resource, data source or output of a synthesized stack. */
export interface StackElement {
  readonly kind: 'resource' | 'data' | 'output' | 'variable';
  /** Terraform type, e.g. `aws_s3_bucket` (`output` for outputs). */
  readonly type: string;
  /** Terraform name (cdktf's logical id). */
  readonly name: string;
  /** Terraform address, e.g. `aws_s3_bucket.x`, `data.aws_iam_policy_document.y`, `output.z`. */
  readonly address: string;
  /** Construct path from the synthesized metadata; the address when there is none. */
  readonly path: string;
  /** The element's configuration as synthesized (snake_case keys). */
  readonly config: Record<string, any>;
  readonly suppressions: SuppressionRecord[];
}

/**
 * Read-only view of one stack's synthesized Terraform JSON (`toTerraform()` or `cdk.tf.json`),
 * with the lookups rules need: elements by type, construct paths, and which attribute refers to
 * which element (with aws provider v5 a bucket's settings live in separate resources that point at
 * it).
 */
export class SynthesizedStack {
  readonly elements: StackElement[];
  private readonly byAddress = new Map<string, StackElement>();
  private readonly referencePatterns = new Map<string, RegExp>();

  constructor(
    /** Stack name, as cdktf names its output directory. */
    readonly name: string,
    /** The synthesized configuration. */
    readonly json: Record<string, any>,
  ) {
    this.elements = [];
    const add = (kind: StackElement['kind'], type: string, name: string, config: Record<string, any>, outputPath?: string) => {
      const address = kind === 'resource' ? `${type}.${name}` : kind === 'variable' ? `var.${name}` : `${kind}.${type === 'output' ? '' : `${type}.`}${name}`;
      const comment = isObject(config['//']) ? config['//'] : {};
      const element: StackElement = {
        kind,
        type,
        name,
        address,
        path: comment.metadata?.path ?? outputPath ?? address,
        config,
        suppressions: Array.isArray(comment.guardrails?.suppressions) ? comment.guardrails.suppressions : [],
      };
      this.elements.push(element);
      this.byAddress.set(address, element);
    };
    for (const kind of ['resource', 'data'] as const) {
      const section = isObject(json[kind]) ? json[kind] : {};
      for (const [type, instances] of Object.entries(section)) {
        if (!isObject(instances)) continue;
        for (const [name, config] of Object.entries(instances)) {
          if (isObject(config)) add(kind, type, name, config);
        }
      }
    }
    const outputPaths = outputConstructPaths(json['//']?.outputs);
    for (const [name, config] of Object.entries(isObject(json.output) ? json.output : {})) {
      if (isObject(config)) add('output', 'output', name, config, outputPaths.get(name));
    }
    for (const [name, config] of Object.entries(isObject(json.variable) ? json.variable : {})) {
      if (isObject(config)) add('variable', 'variable', name, config);
    }
  }

  /** Resources (or data sources) of one type. */
  ofType(type: string, kind: 'resource' | 'data' | 'variable' = 'resource'): StackElement[] {
    return this.elements.filter((element) => element.kind === kind && element.type === type);
  }

  outputs(): StackElement[] {
    return this.elements.filter((element) => element.kind === 'output');
  }

  /** The element at a Terraform address, if the stack has it. */
  element(address: string): StackElement | undefined {
    return this.byAddress.get(address);
  }

  /** Whether `value` (any configuration fragment) holds a reference to `target`, e.g. `${aws_s3_bucket.x.id}`. */
  refersTo(value: unknown, target: StackElement): boolean {
    if (value === undefined || value === null) return false;
    let pattern = this.referencePatterns.get(target.address);
    if (!pattern) {
      // The address must not be part of a longer one (data.x vs x, bucket vs bucket2).
      pattern = new RegExp(`(^|[^\\w.])${escapeRegExp(target.address)}($|[^\\w-])`);
      this.referencePatterns.set(target.address, pattern);
    }
    return pattern.test(typeof value === 'string' ? value : JSON.stringify(value));
  }

  /**
   * Elements of `type` whose `attribute` points at `target`: by reference, or by the literal value
   * of `target`'s attribute of the same meaning (e.g. a bucket name given as a string).
   */
  attachedTo(target: StackElement, type: string, attribute: string, targetAttribute: string): StackElement[] {
    const literal = target.config[targetAttribute];
    return this.ofType(type).filter((candidate) => {
      const value = candidate.config[attribute];
      return this.refersTo(value, target) || (typeof literal === 'string' && literal !== '' && value === literal);
    });
  }

  /** Variables that hold secrets: declared `sensitive = true` or `ephemeral = true`. */
  sensitiveVariables(): StackElement[] {
    return this.ofType('variable', 'variable').filter(({ config }) => config.sensitive === true || config.ephemeral === true);
  }
}

/**
 * cdktf records where outputs come from in the stack's `//.outputs`: construct ids nested like the
 * construct tree, each leaf the output name. Returns output name -> construct path.
 */
function outputConstructPaths(tree: unknown, path: string[] = []): Map<string, string> {
  const paths = new Map<string, string>();
  if (!isObject(tree)) return paths;
  for (const [id, child] of Object.entries(tree)) {
    if (typeof child === 'string') paths.set(child, [...path, id].join('/'));
    else for (const [name, childPath] of outputConstructPaths(child, [...path, id])) paths.set(name, childPath);
  }
  return paths;
}

/** A nested block as synthesized: cdktf writes single blocks as objects, repeated ones as lists. */
export function blocks(value: unknown): Record<string, any>[] {
  if (Array.isArray(value)) return value.filter(isObject);
  return isObject(value) ? [value] : [];
}
