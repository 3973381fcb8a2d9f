/**
 * The counting proxy in a process of its own, so that its work is neither slowed by nor
 * charged to the benchmark's process (which runs autocannon). PROXY_TARGET=<mongodb:// URI>;
 * prints `command proxy on <port>`; answers each IPC message "counts" with its
 * `CommandCounts`; exits when its parent goes.
 */
import { startCommandProxy, targetOf } from "./command-proxy.ts";

const target = process.env.PROXY_TARGET;
if (target === undefined || process.send === undefined) {
  process.stderr.write("run by the compare benchmark: PROXY_TARGET set, with an IPC channel\n");
  process.exit(2);
}
const proxy = await startCommandProxy(targetOf(target));
process.on("message", (message) => {
  if (message === "counts") process.send?.(proxy.counts());
});
process.on("disconnect", () => void proxy.stop().then(() => process.exit(0)));
process.on("SIGTERM", () => void proxy.stop().then(() => process.exit(0)));
process.stdout.write(`command proxy on ${proxy.port}\n`);
