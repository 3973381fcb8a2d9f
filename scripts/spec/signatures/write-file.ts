/** Writes one concept's spec signatures from its schemas, on disk; answers what it did, for the terminal. */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { discoverConcepts } from "../../../src/engine/index.ts";
import { writeSignatures } from "./write.ts";

export async function writeSignaturesOf(conceptsDir: string, name: string): Promise<string> {
  const concept = (await discoverConcepts(conceptsDir)).find((found) => found.conceptName === name);
  if (concept === undefined) throw new Error(`no concept ${name} in ${conceptsDir}`);
  const file = join(conceptsDir, name, `${name}.spec.md`);
  const result = writeSignatures(await readFile(file, "utf8"), concept);
  await writeFile(file, result.markdown);
  const lines = [`wrote the signatures of ${file} from ${name}Schemas`];
  if (result.added.length > 0) lines.push(`added: ${result.added.join(", ")} (write their requires and effects)`);
  if (result.notInCode.length > 0) lines.push(`in the spec but not in the code (left as written): ${result.notInCode.join(", ")}`);
  return `${lines.join("\n")}\n`;
}
