/**
 * Times `GET <url>` every `intervalMs` from a process of its own, so that what the benchmark
 * process does meanwhile (reading eight 17 MB answers) does not count as the server's delay.
 */
import { spawn } from "node:child_process";

export interface ProbeResults {
  /** Milliseconds of each probe answered 200. */
  readonly okMs: number[];
  /** Probes answered otherwise, or not at all. */
  readonly failures: number;
}

const proberSource = (url: string, intervalMs: number): string => `
  const url = ${JSON.stringify(url)};
  (async () => {
    for (;;) {
      const began = performance.now();
      let status = 0;
      try { const response = await fetch(url); await response.text(); status = response.status; } catch {}
      console.log(status + " " + (performance.now() - began).toFixed(1));
      await new Promise((resolve) => setTimeout(resolve, ${intervalMs}));
    }
  })();
`;

export function startHealthProber(url: string, intervalMs = 20): { stop(): Promise<ProbeResults> } {
  const child = spawn(process.execPath, ["-e", proberSource(url, intervalMs)], { stdio: ["ignore", "pipe", "inherit"] });
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
