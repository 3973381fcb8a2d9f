/**
 * Reading a concept's `<Name>.spec.md` (the course's concept spec: purpose, then actions and
 * queries, each a signature followed by `requires` and `effects` lines) into what the API
 * spec page shows for each operation.
 */

export interface OperationSpec {
  requires: string[];
  effects: string[];
}

export interface ConceptSpec {
  purpose: string | undefined;
  operations: Map<string, OperationSpec>;
}

const signature = /^ {4}(_?[A-Za-z][A-Za-z0-9]*) ?\(/;
const keyword = /^(requires|effects)\b\s*/;

export function readConceptSpec(markdown: string): ConceptSpec {
  return { purpose: paragraphAfter(markdown, "**purpose**"), operations: operationsOf(markdown) };
}

/** The text after a bold label up to the next blank line, on one line. */
function paragraphAfter(markdown: string, label: string): string | undefined {
  const start = markdown.indexOf(label);
  if (start === -1) return undefined;
  const rest = markdown.slice(start + label.length);
  const end = rest.search(/\n\s*\n/);
  return (end === -1 ? rest : rest.slice(0, end)).replace(/\s+/g, " ").trim();
}

function operationsOf(markdown: string): Map<string, OperationSpec> {
  const operations = new Map<string, OperationSpec>();
  let current: OperationSpec | undefined;
  let section: keyof OperationSpec = "effects";
  let inBlock = false;
  for (const line of markdown.split("\n")) {
    if (/^\*\*(actions|queries)\*\*/.test(line)) inBlock = true;
    else if (/^\*\*\w+\*\*/.test(line)) inBlock = false;
    if (!inBlock) continue;
    const started = signature.exec(line);
    if (started !== null) {
      current = { requires: [], effects: [] };
      section = "effects";
      operations.set(started[1]!, current);
      // A short note after the signature, past two or more spaces: `_getTotals (user): (...)   zeros for an unknown user`.
      const note = /\)\s{2,}([^[\s].*)$/.exec(line);
      if (note !== null) current.effects.push(note[1]!.trim());
      continue;
    }
    if (current === undefined || !/^ {6,}\S/.test(line)) continue;
    let text = line.trim();
    const word = keyword.exec(text);
    if (word !== null) {
      section = word[1] as keyof OperationSpec;
      text = text.slice(word[0].length);
      current[section].push(text);
    } else if (current[section].length === 0) {
      current[section].push(text);
    } else {
      current[section][current[section].length - 1] += ` ${text}`;
    }
  }
  for (const spec of operations.values()) {
    spec.requires = bullets(spec.requires);
    spec.effects = bullets(spec.effects);
  }
  return operations;
}

/** One bullet per clause: the spec separates conditions with "; " (outside parentheses). */
function bullets(paragraphs: string[]): string[] {
  return paragraphs.flatMap(clauses).filter((clause) => clause !== "");
}

export function clauses(paragraph: string): string[] {
  const found: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < paragraph.length; index++) {
    const char = paragraph[index];
    if (char === "(" || char === "{" || char === "[") depth++;
    else if (char === ")" || char === "}" || char === "]") depth = Math.max(0, depth - 1);
    else if (char === ";" && depth === 0) {
      found.push(paragraph.slice(start, index).trim());
      start = index + 1;
    }
  }
  found.push(paragraph.slice(start).trim());
  return found;
}
