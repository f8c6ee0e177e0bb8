import { spawnSync } from '../harness/child-process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a build phase of a buildspec holds. */
interface Phase {
  readonly commands?: string[];
}

/** The end of an emulated build: CodeBuild's status, the failed phase, the exported variables and the log. */
export interface EmulatedBuild {
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly failedPhase?: string;
  readonly exported: Record<string, string>;
  readonly log: string;
}

const PHASES = ['install', 'pre_build', 'build', 'post_build'] as const;

/**
 * Runs a version 0.2 buildspec as CodeBuild does, as far as these tests rely on it: every command in
 * one bash session (variables and exports carry over), the phases in order, a failed command ending
 * its phase, post_build running after a build phase that ran (failed or not), and the values of
 * `env.exported-variables` read when post_build has ended.
 */
export function emulateBuild(
  buildspec: { env?: { 'exported-variables'?: string[] }; phases: Partial<Record<(typeof PHASES)[number], Phase>> },
  env: NodeJS.ProcessEnv,
  workDir: string,
): EmulatedBuild {
  const dir = mkdtempSync(join(workDir, 'codebuild-'));
  const exportedFile = join(dir, 'exported.json');
  const lines = ['set +e', 'smp_failed_phase=""'];
  PHASES.forEach((phase) => {
    const commands = buildspec.phases[phase]?.commands ?? [];
    // post_build runs when build ran; every other phase only while nothing has failed.
    lines.push(phase === 'post_build' ? 'if [ "$smp_build_ran" = 1 ]; then' : 'if [ -z "$smp_failed_phase" ]; then');
    lines.push(phase === 'build' ? '  smp_build_ran=1' : '  :');
    commands.forEach((command, index) => {
      const file = join(dir, `${phase}-${index}.sh`);
      writeFileSync(file, `${command}\n`);
      lines.push(
        `  if [ -z "$smp_phase_failed_${phase}" ]; then . ${JSON.stringify(file)} || { smp_phase_failed_${phase}=1; [ -n "$smp_failed_phase" ] || smp_failed_phase=${phase.toUpperCase()}; }; fi`,
      );
    });
    lines.push('fi');
  });
  const names = buildspec.env?.['exported-variables'] ?? [];
  lines.push(
    `node -e 'const out = {}; for (const name of process.argv.slice(1)) out[name] = process.env[name] ?? ""; require("fs").writeFileSync(${JSON.stringify(exportedFile)}, JSON.stringify(out))' ${names.join(' ')}`,
    'echo "smp-emulator: failed phase [$smp_failed_phase]"',
  );
  const script = join(dir, 'build.sh');
  writeFileSync(script, `${lines.join('\n')}\n`);
  const run = spawnSync('bash', [script], { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const log = `${run.stdout}${run.stderr}`;
  const failedPhase = /smp-emulator: failed phase \[(.*)\]/.exec(log)?.[1] || undefined;
  return {
    status: failedPhase ? 'FAILED' : 'SUCCEEDED',
    failedPhase,
    exported: existsSync(exportedFile) ? JSON.parse(readFileSync(exportedFile, 'utf8')) : {},
    log,
  };
}
