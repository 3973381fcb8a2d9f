/**
 * Benchmark output: a table for people, then, as the very last line, one JSON object with
 * every figure for machines (`npm run bench` collects those lines).
 */

export type Cell = string | number;

export function formatTable(headers: string[], rows: Cell[][]): string {
  const text = [headers, ...rows.map((row) => row.map(formatCell))];
  const widths = headers.map((_, column) => Math.max(...text.map((row) => (row[column] ?? "").length)));
  const line = (row: string[]): string =>
    row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  ");
  return [line(text[0]!), widths.map((width) => "-".repeat(width)).join("  "), ...text.slice(1).map(line)].join("\n");
}

function formatCell(cell: Cell): string {
  if (typeof cell === "string") return cell;
  if (!Number.isFinite(cell)) return String(cell);
  return Math.abs(cell) >= 100 ? Math.round(cell).toString() : cell.toFixed(3);
}

/** Prints the machine-readable summary; call it last. Numbers are rounded to 3 decimals. */
export function printJsonSummary(summary: Record<string, unknown>): void {
  process.stdout.write(
    `${JSON.stringify(summary, (_, value: unknown) => (typeof value === "number" ? Math.round(value * 1000) / 1000 : value))}\n`,
  );
}
