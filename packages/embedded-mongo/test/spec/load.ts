/**
 * Reading unified-format test files: canonical extended JSON, so that `{"$numberLong": "1"}`
 * stays an int64 and `{"$numberDouble": "1.0"}` a double when sent to the server; plain
 * integers and fractions become JS numbers, which the driver sends as int32 and double.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { Double, EJSON, Int32, type Document } from "bson";

export interface TestFile {
  file: string;
  description: string;
  schemaVersion: string;
  runOnRequirements?: Document[];
  createEntities?: Document[];
  initialData?: Document[];
  tests: Document[];
}

function plain(value: unknown): unknown {
  if (value instanceof Int32) return value.valueOf();
  if (value instanceof Double) return Number.isInteger(value.valueOf()) ? value : value.valueOf();
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plain(inner)]));
  }
  return value;
}

/** Every `*.json` test file under `location` (a directory or one file), sorted by name. */
export async function loadTestFiles(location: string): Promise<TestFile[]> {
  const files = (await stat(location)).isDirectory()
    ? (await readdir(location)).filter((name) => name.endsWith(".json")).sort().map((name) => path.join(location, name))
    : [location];
  return Promise.all(
    files.map(async (file) => ({
      ...(plain(EJSON.parse(await readFile(file, "utf8"), { relaxed: false })) as Omit<TestFile, "file">),
      file: path.basename(file),
    })),
  );
}
