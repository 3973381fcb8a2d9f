/**
 * The `Deno` file functions course concepts call (a media concept stores uploads on disk, an LLM
 * helper reads its config): `readFile`, `writeFile`, `readTextFile`, `writeTextFile`, `mkdir`,
 * `stat`, `remove`, over node:fs, with Deno's shapes. A missing file rejects with
 * `Deno.errors.NotFound`, as code written for Deno checks with `instanceof`.
 */
import { mkdir as makeDir, readFile as read, rm, stat as statOf, writeFile as write } from "node:fs/promises";

export class NotFound extends Error {
  override readonly name = "NotFound";
}

export class AlreadyExists extends Error {
  override readonly name = "AlreadyExists";
}

/** Node's errno errors as Deno's classes, for the codes course code tests for. */
async function asDeno<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new NotFound((error as Error).message, { cause: error });
    if (code === "EEXIST") throw new AlreadyExists((error as Error).message, { cause: error });
    throw error;
  }
}

export interface FileInfo {
  isFile: boolean;
  isDirectory: boolean;
  isSymlink: boolean;
  size: number;
  mtime: Date | null;
  birthtime: Date | null;
}

export const denoFs = {
  errors: { NotFound, AlreadyExists },
  readFile: async (path: string | URL): Promise<Uint8Array> => new Uint8Array(await asDeno(read(path))),
  readTextFile: (path: string | URL): Promise<string> => asDeno(read(path, "utf8")),
  writeFile: (path: string | URL, data: Uint8Array): Promise<void> => asDeno(write(path, data)),
  writeTextFile: (path: string | URL, data: string): Promise<void> => asDeno(write(path, data)),
  mkdir: async (path: string | URL, options?: { recursive?: boolean }): Promise<void> => {
    await asDeno(makeDir(path, { recursive: options?.recursive === true }));
  },
  remove: (path: string | URL, options?: { recursive?: boolean }): Promise<void> => asDeno(rm(path, { recursive: options?.recursive === true })),
  stat: async (path: string | URL): Promise<FileInfo> => {
    const found = await asDeno(statOf(path));
    return { isFile: found.isFile(), isDirectory: found.isDirectory(), isSymlink: found.isSymbolicLink(), size: found.size, mtime: found.mtime, birthtime: found.birthtime };
  },
};
