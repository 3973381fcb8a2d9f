/**
 * The package's command (`src/cli.ts`) as its own process, started the way `npm run db` starts
 * it: resolves once it prints its `mongodb://` URI; `stop()` sends SIGTERM to that process only.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const cli = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));
const startTimeoutMs = 30_000;

export interface CliProcess {
  readonly uri: string;
  stop(): Promise<number | null>;
}

export async function startCli(dataDir: string): Promise<CliProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", cli], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", DATA_DIR: dataDir, DB_PORT: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    return exited;
  };
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + startTimeoutMs;
  while (Date.now() < deadline) {
    const uri = /^(mongodb:\/\/\S+)$/m.exec(output)?.[1];
    if (uri) return { uri, stop };
    if (child.exitCode !== null || child.signalCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await stop();
  throw new Error(`the command did not start:\n${output}`);
}
