/** One structured log line: JSON on stdout, which Lambda sends to the function's log group. */
export type LogFields = Record<string, string | number | boolean | undefined>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/**
 * A logger that stamps every line with `context` (e.g. the SageMaker project id). Callers pass ids,
 * names and outcomes, never a secret value: no field of this logger ever receives the token.
 */
export function createLogger(context: LogFields, write: (line: string) => void = (line) => console.log(line)): Logger {
  const emit =
    (level: string) =>
    (message: string, fields: LogFields = {}) =>
      write(JSON.stringify({ level, message, ...context, ...fields }));
  return { info: emit('INFO'), warn: emit('WARN'), error: emit('ERROR') };
}
