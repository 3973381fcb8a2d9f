/**
 * Where the graph's pieces come from on disk: the concepts and sync files the server
 * discovers (`src/concepts`, `src/syncs`), so the graph can name each sync's file.
 */
import { fileURLToPath } from "node:url";
import { discoverSyncSources } from "../../engine/discover.ts";

export const conceptsDir = fileURLToPath(new URL("../../concepts", import.meta.url));
export const syncsDir = fileURLToPath(new URL("../../syncs", import.meta.url));

/** Sync name → its file relative to the syncs folder (e.g. `completion/record-completion.sync.ts`). */
export async function syncFiles(dir = syncsDir): Promise<Map<string, string>> {
  return new Map((await discoverSyncSources(dir)).map(({ name, file }) => [name, file.replaceAll("\\", "/")]));
}
