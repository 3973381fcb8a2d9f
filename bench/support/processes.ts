/**
 * Starting a TypeScript entry as its own node process (`node --import tsx <entry>`, so the
 * pid is the process doing the work) and waiting for the line it prints once it is ready.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const projectRoot = fileURLToPath(new URL("../../", import.meta.url));

export interface ScriptProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** The groups `ready` captured from the output. */
  readonly ready: string[];
  /** Everything it wrote to stdout and stderr (the last 100 kB). */
  output(): string;
  /** SIGTERM, then waits for it to exit. */
  stop(): Promise<void>;
}

export async function startScript(entry: string, env: Record<string, string>, ready: RegExp, { ipc = false } = {}): Promise<ScriptProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", entry], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe", ...(ipc ? (["ipc"] as const) : [])],
  });
  let output = "";
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-100_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    const match = ready.exec(output);
    if (match) return { child, pid: child.pid!, ready: match.slice(1), output: () => output, stop };
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`${entry} did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
