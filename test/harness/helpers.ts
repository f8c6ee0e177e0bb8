/** The long-running helpers of a jest run, kept on globalThis between the global setup and teardown (both run in jest's main process). */
export const HELPERS = Symbol.for('sagemaker-projects-terraform-gitlab.test-helpers');

export interface Helpers {
  /** How to stop each helper the setup started. */
  readonly stops: Array<() => Promise<void>>;
}
