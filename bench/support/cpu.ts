/**
 * CPU time of other processes, from /proc (Linux): user + system time of every thread of the
 * process, as the kernel counts it in clock ticks (usually 10 ms each).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const ticksPerSecond = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of `pid` so far, in milliseconds. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which is in parentheses and may hold spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

/**
 * The node process that runs the script behind `pid`: `pid` itself when it is node running a
 * script, else (npm, a shell, the tsx command, which each start one child) its only child, followed down.
 */
export function scriptPid(pid: number): number {
  for (let current = pid, depth = 0; depth < 5; depth += 1) {
    const argv = readFileSync(`/proc/${current}/cmdline`, "utf8").split("\0");
    const launcher = !/(^|\/)node$/.test(argv[0] ?? "") || argv.some((arg) => /node_modules\/\.bin\/tsx$|tsx\/dist\/cli/.test(arg));
    if (!launcher) return current;
    const children = readFileSync(`/proc/${current}/task/${current}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
    if (children.length !== 1) return current;
    current = Number(children[0]);
  }
  return pid;
}
