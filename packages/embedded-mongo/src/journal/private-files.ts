/**
 * The data directory holds every document in plain text: it is its owner's alone. The
 * directory is 0700 and each file the server writes there 0600, whatever the umask, and
 * also when the directory was found looser (made by `mkdir`, or by a version that did not
 * narrow it).
 */
import { chmod, mkdir } from "node:fs/promises";

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIRECTORY_MODE = 0o700;

/**
 * Creates `dir` (and its missing parents) 0700, or narrows it to 0700 if it exists. One that
 * belongs to another user (a mount point given to us writable) is left as it is: only its
 * owner may change its mode.
 */
export async function privateDirectory(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIRECTORY_MODE });
  await chmod(dir, PRIVATE_DIRECTORY_MODE).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "EPERM") throw error;
  });
}

/** Narrows files the server wrote before (a version that wrote them 0644) to 0600. */
export async function narrowFiles(paths: string[]): Promise<void> {
  await Promise.all(paths.map((path) => chmod(path, PRIVATE_FILE_MODE)));
}
