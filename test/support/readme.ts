import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root. */
export const ROOT = join(__dirname, '..', '..');

/** README.md as a user reads it. */
export const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/**
 * The text under the heading `title` (any level), up to the next heading of the same or a higher
 * level; fails the test when the README has no such heading.
 */
export function section(title: string, text = README): string {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => /^#{1,6} /.test(line) && line.replace(/^#+ /, '') === title);
  if (start < 0) throw new Error(`README has no heading "${title}"`);
  const level = lines[start].indexOf(' ');
  const end = lines.findIndex((line, index) => index > start && /^#{1,6} /.test(line) && line.indexOf(' ') <= level);
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/**
 * What follows the marker comment `<!-- name -->`: the body of the fenced code block, or the lines
 * of the table, that comes next. Tests find generated or checked content by these markers.
 */
export function markedBlock(name: string): string {
  const marker = `<!-- ${name} -->`;
  const at = README.indexOf(marker);
  if (at < 0) throw new Error(`README has no marker ${marker}`);
  const lines = README.slice(at + marker.length)
    .split('\n')
    .slice(1);
  if (lines[0]?.startsWith('```')) {
    const end = lines.findIndex((line, index) => index > 0 && line.startsWith('```'));
    return lines.slice(1, end).join('\n');
  }
  if (lines[0]?.startsWith('|')) {
    const end = lines.findIndex((line) => !line.startsWith('|'));
    return lines.slice(0, end < 0 ? undefined : end).join('\n');
  }
  throw new Error(`${marker} is followed by neither a code block nor a table`);
}

/** The body rows of a Markdown table (header and separator dropped), each as trimmed cells. */
export function tableRows(table: string): string[][] {
  return table
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2)
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
}

/** The contents of every inline code span (`...`) in `text`, code blocks excluded. */
export function inlineCode(text = README): string[] {
  const withoutBlocks = text.replace(/^```[\s\S]*?^```/gm, '');
  return [...withoutBlocks.matchAll(/`([^`\n]+)`/g)].map((match) => match[1]);
}

/** A cell's value without its code span: `` `a` `` -> `a`. */
export const unquoted = (cell: string): string => cell.replace(/^`([^`]*)`$/, '$1');

/** GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to hyphens. */
export function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

/** Every heading of the README (any level), without its hashes. */
export function headings(text = README): string[] {
  return text
    .replace(/^```[\s\S]*?^```/gm, '')
    .split('\n')
    .filter((line) => /^#{1,6} /.test(line))
    .map((line) => line.replace(/^#+ /, ''));
}
