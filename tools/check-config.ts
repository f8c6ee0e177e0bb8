/**
 * `npm run config:check`: loads the configuration exactly as the app does and prints its problems,
 * once, without synthesizing anything. `npm run synth` and the platform commands (tools/synth.ts,
 * tools/platform.ts) print the same problems the same way, because they run the app without the
 * cdktf CLI: the CLI (0.21) prints whatever a failing app writes twice, each chunk of the app's stderr
 * live through its logger and all of it again in its "cdktf encountered an error while synthesizing"
 * summary (@cdktf/commons `shell`, @cdktf/cli-core `SynthStack.synth`).
 */
import { ConfigError, loadConfig } from '../config/load';

if (require.main === module) {
  try {
    const config = loadConfig();
    console.log(`Configuration valid: resources named ${config.names.prefix}-*, region ${config.region}.`);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
