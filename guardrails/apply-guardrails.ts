import { App, Aspects, TerraformStack } from 'cdktf';
import { evaluate } from './evaluate';
import { formatFinding, RulePack } from './rule';
import { SuppressionsToMetadata } from './suppressions';
import { SynthesizedStack } from './synthesized-stack';

/**
 * Applies `pack` to every stack of `app` at synth, plus the packs `byStack` names for a stack: each
 * stack's synthesized form is checked after aspects ran and before its JSON is written, and any finding
 * fails synth with the list (cdktf reports every finding of the stack, one line each). Call it after
 * all stacks are added.
 */
export function applyGuardrails(app: App, pack: RulePack, byStack: Record<string, RulePack> = {}): void {
  // cdktf's skipValidation would skip the guardrails silently: findings are suppressed one by one, with a reason.
  if (app.skipValidation) throw new Error('applyGuardrails: the app skips validation, so no guardrail would run; suppress findings with suppress() instead.');
  const stacks = app.node.findAll().filter(TerraformStack.isStack);
  if (stacks.length === 0) throw new Error('applyGuardrails found no stack: add the stacks to the app first.');
  for (const stack of stacks) {
    Aspects.of(stack).add(new SuppressionsToMetadata());
    stack.node.addValidation({
      validate: () =>
        evaluate(new SynthesizedStack(stack.node.id, stack.toTerraform()), [...pack, ...(byStack[stack.node.id] ?? [])]).findings.map(formatFinding),
    });
  }
}
