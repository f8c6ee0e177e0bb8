/**
 * What the bench's timing tools (bench.ts, runner-latency.ts) share: GNU time's invocation and how
 * its figures are read, the median, and how figures and rows are written. No imports, so that either
 * can use it without importing the other.
 */

/** GNU time (the Debian package "time"), not the shell keyword: it writes a format to a file. */
export const GNU_TIME = '/usr/bin/time';

/** GNU time's arguments to write wall, user and system seconds and peak RSS (KiB) of `command` to `timeFile`. */
export const gnuTimeArguments = (timeFile: string, command: readonly string[]): string[] => ['-f', '%e %U %S %M', '-o', timeFile, ...command];

/** Reads what `time -f '%e %U %S %M'` wrote: wall, user and system seconds, peak RSS in KiB. */
export function parseGnuTime(text: string): { seconds: number; cpuSeconds: number; peakBytes: number } {
  const match = /(\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+)\s*$/.exec(text.trim());
  if (!match) throw new Error(`unexpected GNU time output: ${text}`);
  return { seconds: Number(match[1]), cpuSeconds: Number(match[2]) + Number(match[3]), peakBytes: Number(match[4]) * 1024 };
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Seconds as the reports write them: `1.20 s`. */
export const seconds = (value: number): string => `${value.toFixed(2)} s`;

/** One row of the bench report. */
export interface Row {
  /** What was measured. */
  readonly measure: string;
  /** The figure, with its spread. */
  readonly value: string;
  /** The target, or '' when there is none. */
  readonly target: string;
  /** `ok`, `over target`, or '' when there is no target. */
  readonly status: string;
}
