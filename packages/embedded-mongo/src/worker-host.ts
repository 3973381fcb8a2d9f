/**
 * The embedded server in a worker thread, so that it and the API server each get a core.
 * TypeScript sources run through tsx's loader in the worker as in the main thread.
 */
import { Worker } from "node:worker_threads";
import type { EmbeddedMongo, EmbeddedMongoOptions } from "./index.ts";

/** A tiny script that registers tsx's loader in the worker, then loads the TypeScript entry. */
function bootstrap(): string {
  const tsxApi = typeof import.meta.resolve === "function" ? import.meta.resolve("tsx/esm/api") : "tsx/esm/api";
  const entry = new URL("./worker-entry.ts", import.meta.url).href;
  return `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
}

export function startInWorker(options: EmbeddedMongoOptions): Promise<EmbeddedMongo> {
  const worker = new Worker(bootstrap(), { eval: true, workerData: options });
  return new Promise((resolve, reject) => {
    worker.once("error", reject);
    worker.once("message", (started: { uri: string; port: number; holdsDataDirLock: boolean }) => {
      worker.off("error", reject);
      let stopped: Promise<void> | undefined;
      resolve({
        uri: started.uri,
        port: started.port,
        get holdsDataDirLock() {
          return started.holdsDataDirLock && stopped === undefined;
        },
        stop: () =>
          (stopped ??= new Promise<void>((done) => {
            worker.once("message", () => void worker.terminate().then(() => done()));
            worker.postMessage("stop");
          })),
      });
    });
  });
}
