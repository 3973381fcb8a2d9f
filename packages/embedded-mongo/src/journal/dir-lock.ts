/**
 * One process per data directory: two servers appending to the same log would interleave
 * frames and each would miss the other's writes.
 *
 * The lock is a listening Unix-domain socket that the owner holds open, not a file read for
 * a pid: the kernel closes a process's sockets when it ends, however it ends (kill -9, a
 * crash, a zombie nobody reaped holds none), so the lock dies with its owner, and a pid that
 * was reused (1 in a container, or the restarted server's own) cannot keep it alive. Node has
 * no flock; this is the same guarantee, as mongod's lock on its mongod.lock gives it.
 * - Its address is named after the directory's device and inode (every path to the directory
 *   meets the same lock), in Linux's abstract namespace: no file, so nothing stale is left
 *   behind and no path can pass the ~107 bytes a socket address holds. Binding it is atomic:
 *   a second process gets EADDRINUSE, connects, and the owner answers its pid for the message.
 * - Elsewhere (no abstract namespace), a socket file of that name in the temporary directory
 *   (a short path): one that refuses connections was left by a dead owner and is replaced.
 * The abstract namespace belongs to a network namespace: two containers sharing a volume must
 * share their network namespace too (or not share the data directory).
 *
 * `LOCK` in the directory holds the owner's pid, for people and tools; it decides nothing.
 */
import { stat, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lockPath } from "./files.ts";
import { PRIVATE_FILE_MODE } from "./private-files.ts";

export interface DirectoryLock {
  release(): Promise<void>;
}

const abstractNamespace = process.platform === "linux";
/** How long a holder has to answer with its pid. */
const ASK_TIMEOUT_MS = 2_000;

export async function lockDirectory(dir: string): Promise<DirectoryLock> {
  const address = await lockAddress(dir);
  for (let attempt = 0; ; attempt += 1) {
    const server = await tryListen(address);
    if (server !== undefined) {
      await writeFile(lockPath(dir), `${process.pid}\n`, { mode: PRIVATE_FILE_MODE });
      return { release: () => release(server, dir) };
    }
    const holder = await askHolder(address);
    if (holder.alive) {
      const who = holder.pid === undefined ? "another process" : `process ${holder.pid}`;
      throw new Error(`data directory ${dir} is in use by ${who} (it holds the lock ${describe(address)}; stop it first)`);
    }
    // The holder went away meanwhile, or (a socket file) died and left its file.
    if (attempt >= 2) throw new Error(`data directory ${dir}: could not take its lock ${describe(address)}`);
    if (!abstractNamespace) await rm(address, { force: true });
  }
}

/** The lock's socket address, the same for every path to the directory. */
async function lockAddress(dir: string): Promise<string> {
  const { dev, ino } = await stat(dir, { bigint: true });
  const name = `focus-embedded-mongo-${dev.toString(36)}-${ino.toString(36)}.lock`;
  return abstractNamespace ? `\0${name}` : join(tmpdir(), name);
}

function describe(address: string): string {
  return address.startsWith("\0") ? `@${address.slice(1)}` : address;
}

/** Listens on the address (the lock is then ours), or resolves undefined when it is taken. */
function tryListen(address: string): Promise<net.Server | undefined> {
  // Every connection is a process that wants the directory: tell it who has it.
  const server = net.createServer((socket) => {
    socket.on("error", () => socket.destroy());
    socket.end(`${process.pid}\n`);
  });
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => (error.code === "EADDRINUSE" ? resolve(undefined) : reject(error)));
    server.listen(address, () => {
      // Held for the process's life, but never what keeps it alive.
      server.unref();
      resolve(server);
    });
  });
}

/** Whether a live process holds the address, and its pid when it says. */
function askHolder(address: string): Promise<{ alive: boolean; pid?: number }> {
  return new Promise((resolve) => {
    let answer = "";
    const socket = net.connect(address);
    socket.setTimeout(ASK_TIMEOUT_MS, () => socket.destroy());
    socket.on("data", (chunk: Buffer) => (answer += chunk.toString()));
    socket.on("error", (error: NodeJS.ErrnoException) => resolve({ alive: error.code !== "ECONNREFUSED" && error.code !== "ENOENT" }));
    socket.on("close", () => {
      const pid = Number.parseInt(answer, 10);
      resolve(Number.isInteger(pid) ? { alive: true, pid } : { alive: true });
    });
  });
}

async function release(server: net.Server, dir: string): Promise<void> {
  await rm(lockPath(dir), { force: true });
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
