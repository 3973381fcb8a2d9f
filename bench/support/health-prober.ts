/**
 * Times `GET <url>` every `intervalMs` from a process of its own (health-probe-child.mjs), so
 * that what the benchmark process does meanwhile (reading eight 17 MB answers) does not count
 * as the server's delay.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface ProbeResults {
  /** Milliseconds of each probe answered 200. */
  readonly okMs: number[];
  /** Probes answered otherwise, or not at all. */
  readonly failures: number;
}

export function startHealthProber(url: string, intervalMs = 20, giveUpMs = 5_000): { stop(): Promise<ProbeResults> } {
  const child = spawn(process.execPath, [fileURLToPath(new URL("./health-probe-child.mjs", import.meta.url)), url, String(intervalMs), String(giveUpMs)], { stdio: ["ignore", "pipe", "inherit"] });
  const okMs: number[] = [];
  let failures = 0;
  let pending = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    const lines = (pending + chunk).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      const [status, ms] = line.split(" ");
      if (status === "200") okMs.push(Number(ms));
      else failures += 1;
    }
  });
  return {
    stop: () =>
      new Promise((resolve) => {
        child.once("close", () => resolve({ okMs, failures }));
        child.kill();
      }),
  };
}
