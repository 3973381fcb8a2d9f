/** What `npm run port` found that a person has to look at: where, what, and how to fix it. */
export interface Attention {
  /** The file here (relative to the project), or "" for the backend as a whole. */
  file: string;
  problem: string;
  fix: string;
}

/** The report's last section: each file once, its problems under it, each with its fix. */
export function formatAttention(items: readonly Attention[]): string {
  if (items.length === 0) return "Nothing needs attention.\n";
  const byFile = new Map<string, Attention[]>();
  for (const item of items) byFile.set(item.file, [...(byFile.get(item.file) ?? []), item]);
  const lines = [`What needs attention (${items.length}):`];
  for (const [file, found] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push("", `  ${file === "" ? "(the backend as a whole)" : file}`);
    for (const item of found) lines.push(`    - ${item.problem}`, `      fix: ${item.fix}`);
  }
  return `${lines.join("\n")}\n`;
}
