/**
 * The login `npm run db` requires: given (DB_USER, DB_PASSWORD), or generated on the first
 * start into `<DATA_DIR>/credentials.json` (readable by its owner only) and reused after,
 * so the URI other processes were given stays valid across restarts.
 */
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { narrowFiles, PRIVATE_FILE_MODE, privateDirectory } from "./journal/index.ts";

const stored = z.object({ user: z.string().min(1), password: z.string().min(1) });
export type Credentials = z.infer<typeof stored>;

export const credentialsFile = "credentials.json";

export async function credentialsFor(dataDir: string, given: { user?: string | undefined; password?: string | undefined }): Promise<Credentials> {
  if (given.password !== undefined) return { user: given.user ?? "focus", password: given.password };
  const path = join(dataDir, credentialsFile);
  const existing = await readFile(path, "utf8").then(
    (text) => stored.parse(JSON.parse(text)),
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined;
      throw error;
    },
  );
  if (existing !== undefined && (given.user === undefined || given.user === existing.user)) {
    await narrowFiles([path]);
    return existing;
  }
  const created = { user: given.user ?? existing?.user ?? "focus", password: randomBytes(24).toString("base64url") };
  await privateDirectory(dataDir);
  await writeFile(path, `${JSON.stringify(created)}\n`, { mode: PRIVATE_FILE_MODE });
  // A file that existed keeps its mode through writeFile.
  await narrowFiles([path]);
  return created;
}
