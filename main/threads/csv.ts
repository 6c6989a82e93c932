/**
 * CSV for the thread export (RFC 4180: cells separated by commas, rows by CRLF), safe to open in a
 * spreadsheet. Customers write the text, so a cell must never run as a formula: as OWASP
 * recommends for CSV injection, a cell starting with `=`, `+`, `-`, `@`, TAB or CR gets a leading
 * `'` (spreadsheets then show it as text) and is quoted. A cell holding a quote, comma, CR or LF is
 * quoted, its quotes doubled, so multi-line messages stay one cell.
 */

/** Characters that make a spreadsheet read a cell as a formula when they come first. */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV cell. */
export function csvCell(value: string): string {
  const formula = FORMULA_START.test(value);
  const text = formula ? `'${value}` : value;
  return formula || NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV row (without the line break). */
export function csvRow(values: readonly string[]): string {
  return values.map(csvCell).join(',');
}
