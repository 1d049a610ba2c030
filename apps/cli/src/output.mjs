// -o json|yaml on every read: the same objects the api answered; tables for people otherwise.
import { CliError, EXIT } from './errors.mjs';

/** @param {string | undefined} format */
export function checkFormat(format) {
  if (format === undefined || format === 'json' || format === 'yaml' || format === 'table') return;
  throw new CliError(EXIT.USAGE, `Unknown output format "${format}".`, 'Use -o json or -o yaml (or leave it out for a table).');
}

/**
 * Prints `data` as JSON or YAML when asked, else calls `human()`.
 * @param {string | undefined} format
 * @param {unknown} data
 * @param {() => void} human
 */
export async function emit(format, data, human) {
  checkFormat(format);
  if (format === 'json') process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
  else if (format === 'yaml') {
    // Loaded only here: most commands never pay for it (cold start).
    const yaml = await import('js-yaml');
    process.stdout.write(yaml.dump(data, { noRefs: true, lineWidth: 120 }));
  } else human();
}

/**
 * @param {string[]} headers
 * @param {Array<Array<string | number | null | undefined>>} rows
 */
export function table(headers, rows) {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null || c === undefined || c === '' ? '-' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  for (const row of cells) process.stdout.write(`${row.map((c, i) => (i === row.length - 1 ? c : (c ?? '').padEnd(widths[i] ?? 0))).join('   ')}\n`);
  if (rows.length === 0) process.stdout.write('(none)\n');
}

/** @param {string | null | undefined} iso */
export function ago(iso) {
  if (!iso) return '-';
  const s = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  if (s < 90) return `${s}s`;
  if (s < 5400) return `${Math.round(s / 60)}m`;
  if (s < 172800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}
