/** The connection handshake and what tools ask about the server (buildInfo, hostInfo...). */
import os from "node:os";
import { Long, type Document } from "bson";
import { supportedMechanisms } from "./auth.ts";
import type { CommandContext, CommandTable } from "./context.ts";
import { authInfo } from "./rights.ts";

export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
export const MAX_MESSAGE_SIZE_BYTES = 48_000_000;
export const MAX_WRITE_BATCH_SIZE = 100_000;
/** The MongoDB release whose behaviour we follow. */
export const VERSION = "8.0.0";

function hello(command: Document, context: CommandContext): Document {
  const legacy = command.ismaster !== undefined || command.isMaster !== undefined;
  return {
    ...(legacy ? { ismaster: true } : { isWritablePrimary: true }),
    helloOk: true,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE_BYTES,
    maxWriteBatchSize: MAX_WRITE_BATCH_SIZE,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: context.connectionId,
    minWireVersion: 0,
    maxWireVersion: 25,
    readOnly: false,
    ...supportedMechanisms(command, context),
    ok: 1,
  };
}

function buildInfo(): Document {
  return {
    version: VERSION,
    gitVersion: "embedded",
    versionArray: VERSION.split(".").map(Number).concat(0),
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    storageEngines: ["embedded"],
    javascriptEngine: "none",
    modules: [],
    openssl: { running: "disabled" },
    buildEnvironment: {},
    ok: 1,
  };
}

function hostInfo(): Document {
  return {
    system: { currentTime: new Date(), hostname: os.hostname(), cpuAddrSize: 64, memSizeMB: Math.round(os.totalmem() / 2 ** 20), numCores: os.cpus().length, cpuArch: os.arch() },
    os: { type: os.type(), name: os.platform(), version: os.release() },
    extra: {},
    ok: 1,
  };
}

function serverStatus(_command: Document, context: CommandContext): Document {
  const uptimeMs = Date.now() - context.server.startedAt.getTime();
  return {
    host: `${context.server.host}:${context.server.port}`,
    version: VERSION,
    process: "mongod",
    pid: Long.fromNumber(process.pid),
    uptime: Math.floor(uptimeMs / 1000),
    uptimeMillis: Long.fromNumber(uptimeMs),
    localTime: new Date(),
    connections: { current: context.server.connections, available: 1000 },
    storageEngine: { name: context.server.inMemory ? "inMemory" : "embeddedJournal", persistent: !context.server.inMemory },
    metrics: { cursor: { open: { total: Long.fromNumber(context.server.cursors.size) } } },
    ok: 1,
  };
}

/** The few parameters tools ask for; `*` asks for all of them. */
function getParameter(command: Document): Document {
  const all = command.getParameter === "*";
  return {
    ...((all || command.featureCompatibilityVersion !== undefined) && { featureCompatibilityVersion: { version: "8.0" } }),
    ...((all || command.authenticationMechanisms !== undefined) && { authenticationMechanisms: [] }),
    ok: 1,
  };
}

export const handshakeCommands: CommandTable = {
  hello,
  ismaster: hello,
  buildinfo: buildInfo,
  hostinfo: hostInfo,
  serverstatus: serverStatus,
  getparameter: getParameter,
  ping: () => ({ ok: 1 }),
  getlog: (command) => {
    if (command.getLog === "*") return { names: ["global", "startupWarnings"], ok: 1 };
    return { totalLinesWritten: 0, log: [], ok: 1 };
  },
  getcmdlineopts: () => ({ argv: ["embedded-mongo"], parsed: {}, ok: 1 }),
  connectionstatus: (_command, context) => ({ authInfo: authInfo(context), ok: 1 }),
  whatsmyuri: (_command, context) => ({ you: context.clientAddress, ok: 1 }),
  getfreemonitoringstatus: () => ({ state: "disabled", ok: 1 }),
  logout: () => ({ ok: 1 }),
  features: () => ({ oidMachine: 0, ok: 1 }),
  listcommands: () => ({ commands: {}, ok: 1 }),
  lockinfo: () => ({ lockInfo: [], ok: 1 }),
};
