/** Runs inside a worker thread: starts the server with the options it was given and reports its address. */
import { parentPort, workerData } from "node:worker_threads";
import { startEmbeddedMongo, type EmbeddedMongoOptions } from "./index.ts";

const server = await startEmbeddedMongo({ ...(workerData as EmbeddedMongoOptions), worker: false });
parentPort!.postMessage({ uri: server.uri, port: server.port, holdsDataDirLock: server.holdsDataDirLock });
parentPort!.on("message", (message: unknown) => {
  if (message === "stop") {
    void server.stop().then(() => parentPort!.postMessage("stopped"));
  }
});
