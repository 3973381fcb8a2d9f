/**
 * Runs the tests of unified-format files against one server ("Executing a Test" of the unified
 * test format): requirements, initial data, entities, operations with their expected results
 * or errors, observed command events, and the collections' final contents.
 */
import { MongoClient, MongoServerError, type Document } from "mongodb";
import { Entities, type ObservedEvent } from "./entities.ts";
import type { TestFile } from "./load.ts";
import { match, matchExactly, UnsupportedError } from "./match.ts";
import { bulkResult, clientBulkResult, runOperation, type FailPointRecord, type Operation } from "./operations.ts";

export interface Server {
  uri: string;
  version: number[];
  topology: "single" | "replicaset" | "sharded";
  auth: boolean;
}

export type Verdict = { status: "pass" } | { status: "fail"; reason: string } | { status: "skip"; reason: string };

export interface TestResult {
  file: string;
  test: string;
  verdict: Verdict;
}

function parseVersion(version: string): number[] {
  return version.split(".").map((part) => Number.parseInt(part, 10) || 0);
}

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** Why a runOnRequirement is not met by this server, or undefined when it is. */
function unmet(requirement: Document, server: Server): string | undefined {
  if (requirement.minServerVersion && compareVersions(server.version, parseVersion(requirement.minServerVersion)) < 0) return `needs server >= ${requirement.minServerVersion}`;
  if (requirement.maxServerVersion && compareVersions(server.version, parseVersion(requirement.maxServerVersion)) > 0) return `needs server <= ${requirement.maxServerVersion}`;
  if (requirement.topologies && !(requirement.topologies as string[]).includes(server.topology)) return `needs ${(requirement.topologies as string[]).join("/")}`;
  if (requirement.serverless === "require") return "needs serverless";
  if (requirement.auth !== undefined && requirement.auth !== server.auth) return requirement.auth ? "needs auth" : "needs no auth";
  if (requirement.authMechanism) return "needs an auth mechanism";
  if (requirement.csfle) return "needs CSFLE";
  if (requirement.serverParameters) return "needs server parameters";
  return undefined;
}

function requirementsUnmet(requirements: Document[] | undefined, server: Server): string | undefined {
  if (!requirements?.length) return undefined;
  const reasons = requirements.map((requirement) => unmet(requirement, server));
  return reasons.every((reason) => reason !== undefined) ? reasons.join(" or ") : undefined;
}

async function loadInitialData(internal: MongoClient, data: Document[] | undefined): Promise<void> {
  for (const { databaseName, collectionName, documents, createOptions } of data ?? []) {
    const db = internal.db(databaseName);
    await db.collection(collectionName).drop({ writeConcern: { w: "majority" } }).catch(() => undefined);
    if (createOptions || !documents?.length) await db.createCollection(collectionName, { ...createOptions, writeConcern: { w: "majority" } });
    if (documents?.length) await db.collection(collectionName).insertMany(documents, { writeConcern: { w: "majority" } });
  }
}

function errorMessages(error: Document): string[] {
  const messages = [String(error.message ?? "")];
  for (const writeError of [...(Array.isArray(error.writeErrors) ? error.writeErrors : error.writeErrors instanceof Map ? [...error.writeErrors.values()] : [])]) {
    messages.push(String(writeError.errmsg ?? writeError.message ?? ""));
  }
  if (error.cause) messages.push(String((error.cause as Error).message ?? ""));
  return messages;
}

function errorCodes(error: Document): { codes: unknown[]; names: unknown[] } {
  const sources: Document[] = [error, error.errorResponse ?? {}, (error.cause as Document) ?? {}];
  const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [];
  for (const writeError of writeErrors) sources.push(writeError, writeError.err ?? {});
  if (error.writeConcernError) sources.push(error.writeConcernError);
  return { codes: sources.map((source) => source.code), names: sources.map((source) => source.codeName) };
}

function checkError(expected: Document, error: unknown, entities: Entities): void {
  const thrown = error as Document;
  if (expected.isClientError !== undefined && (thrown instanceof MongoServerError) === expected.isClientError) {
    throw new Error(`expected ${expected.isClientError ? "a client" : "a server"} error, got ${String(thrown.name)}: ${String(thrown.message)}`);
  }
  if (expected.isTimeoutError) throw new UnsupportedError("timeout errors");
  if (expected.errorContains !== undefined) {
    const wanted = String(expected.errorContains).toLowerCase();
    if (!errorMessages(thrown).some((message) => message.toLowerCase().includes(wanted))) throw new Error(`error "${String(thrown.message)}" does not contain "${expected.errorContains}"`);
  }
  const { codes, names } = errorCodes(thrown);
  if (expected.errorCode !== undefined && !codes.some((code) => Number(code) === Number(expected.errorCode))) {
    throw new Error(`expected error code ${expected.errorCode}, got ${codes.filter((code) => code !== undefined).join(",") || "none"}: ${String(thrown.message)}`);
  }
  if (expected.errorCodeName !== undefined && !names.some((name) => String(name).toLowerCase() === String(expected.errorCodeName).toLowerCase())) {
    throw new Error(`expected error ${expected.errorCodeName}, got ${names.filter(Boolean).join(",") || "none"}: ${String(thrown.message)}`);
  }
  for (const label of expected.errorLabelsContain ?? []) if (!thrown.hasErrorLabel?.(label)) throw new Error(`error lacks label ${label}`);
  for (const label of expected.errorLabelsOmit ?? []) if (thrown.hasErrorLabel?.(label)) throw new Error(`error has label ${label}`);
  const context = { entities: entities.map };
  // A client bulk write's top-level failure is its cause (the spec's `error` field).
  if (expected.errorResponse !== undefined) match(expected.errorResponse, (thrown.cause as Document | undefined)?.errorResponse ?? thrown.errorResponse, context);
  if (expected.expectResult !== undefined) {
    const partial = thrown.partialResult ? clientBulkResult(thrown.partialResult) : thrown.result ? bulkResult(thrown.result) : undefined;
    match(expected.expectResult, partial, context);
  }
  if (expected.writeErrors !== undefined) {
    const actual = thrown.writeErrors instanceof Map ? Object.fromEntries([...thrown.writeErrors.entries()].map(([key, value]) => [String(key), { ...value }])) : undefined;
    if (!actual) throw new Error(`expected write errors, got ${String(thrown.message)}`);
    const expectedKeys = Object.keys(expected.writeErrors).sort();
    if (expectedKeys.join() !== Object.keys(actual).sort().join()) throw new Error(`write errors at ${Object.keys(actual).join(",")}, expected at ${expectedKeys.join(",")}`);
    for (const key of expectedKeys) match(expected.writeErrors[key], actual[key], context);
  }
  if (expected.writeConcernErrors !== undefined) {
    const actual = (thrown.writeConcernErrors ?? []) as Document[];
    if (actual.length !== expected.writeConcernErrors.length) throw new Error(`expected ${expected.writeConcernErrors.length} write concern errors, got ${actual.length}`);
    expected.writeConcernErrors.forEach((wanted: Document, index: number) => match(wanted, actual[index], context));
  }
}

function checkEvents(expectations: Document[], entities: Entities): void {
  for (const { client, events, ignoreExtraEvents, eventType } of expectations) {
    if (eventType && eventType !== "command") throw new UnsupportedError(`${eventType} events`);
    const actual: ObservedEvent[] = entities.client(client).events;
    if (actual.length < events.length || (!ignoreExtraEvents && actual.length !== events.length)) {
      throw new Error(`expected ${events.length} events, got ${actual.length}: ${actual.map((event) => event.commandName).join(", ")}`);
    }
    (events as Document[]).forEach((expected, index) => {
      const [kind, fields] = Object.entries(expected)[0] as [string, Document];
      const event = actual[index]!;
      const where = `event ${index} (${event.commandName})`;
      if (event.kind !== kind) throw new Error(`${where}: expected ${kind}, got ${event.kind}`);
      if (fields.commandName !== undefined && fields.commandName !== event.commandName) throw new Error(`${where}: expected ${fields.commandName}`);
      if (fields.databaseName !== undefined && fields.databaseName !== event.databaseName) throw new Error(`${where}: expected database ${fields.databaseName}`);
      try {
        if (fields.command !== undefined) match(fields.command, event.command, { entities: entities.map });
        if (fields.reply !== undefined) match(fields.reply, event.reply, { entities: entities.map });
      } catch (error) {
        throw new Error(`${where}: ${(error as Error).message}`);
      }
    });
  }
}

async function checkOutcome(internal: MongoClient, outcome: Document[]): Promise<void> {
  for (const { databaseName, collectionName, documents } of outcome) {
    const actual = await internal.db(databaseName).collection(collectionName).find({}, { sort: { _id: 1 }, readConcern: { level: "local" } }).toArray();
    try {
      matchExactly(documents, actual);
    } catch (error) {
      throw new Error(`outcome ${collectionName}: ${(error as Error).message}`);
    }
  }
}

// Operations answering the documents of a cursor: each is a root-level document (extra fields allowed).
const cursorOperations = new Set(["find", "aggregate"]);

function matchResult(operation: Operation, expected: unknown, actual: unknown, entities: Entities): void {
  const context = { entities: entities.map };
  if (!cursorOperations.has(operation.name) || !Array.isArray(expected)) return match(expected, actual, context);
  if (!Array.isArray(actual) || actual.length !== expected.length) throw new Error(`expected ${expected.length} documents, got ${JSON.stringify(actual)?.slice(0, 300)}`);
  expected.forEach((document, index) => match(document, actual[index], context, true, `[${index}]`));
}

/** Tests that check only what the client sends, where this driver (Node) does otherwise: not the server's doing. */
const driverDifferences: Array<[RegExp, string]> = [
  [/^create-null-ids\.json inserting _id with type null via (insertOne|insertMany|bulkWrite|clientBulkWrite)$/, "the Node driver replaces a null _id with an ObjectId before sending"],
  [/^client-bulkWrite-partialResults\.json partialResult is unset when /, "the Node driver sets partialResult even when no operation succeeded"],
  [/^bypassDocumentValidation\.json (Aggregate with \$out|BulkWrite|FindOneAndReplace|FindOneAndUpdate|InsertMany) passes bypassDocumentValidation: false$/, "the Node driver does not send bypassDocumentValidation: false"],
];

async function runOne(file: TestFile, test: Document, server: Server, internal: MongoClient): Promise<Verdict> {
  if (test.skipReason) return { status: "skip", reason: `skipReason: ${test.skipReason}` };
  const difference = driverDifferences.find(([pattern]) => pattern.test(`${file.file} ${test.description}`));
  if (difference) return { status: "skip", reason: `driver: ${difference[1]}` };
  const unmetReason = requirementsUnmet(file.runOnRequirements, server) ?? requirementsUnmet(test.runOnRequirements, server);
  if (unmetReason) return { status: "skip", reason: unmetReason };
  const entities = new Entities(server.uri);
  const failPoints: FailPointRecord[] = [];
  try {
    await loadInitialData(internal, file.initialData);
    await entities.create(file.createEntities ?? []);
    for (const operation of test.operations as Document[]) {
      let result: unknown;
      let error: unknown;
      try {
        result = await runOperation(operation as Operation, entities, failPoints);
      } catch (thrown) {
        if (thrown instanceof UnsupportedError) throw thrown;
        error = thrown;
      }
      const name = `${operation.object}.${operation.name}`;
      if (operation.ignoreResultAndError) continue;
      if (operation.expectError) {
        if (error === undefined) throw new Error(`${name}: expected an error, got ${JSON.stringify(result)?.slice(0, 200)}`);
        try {
          checkError(operation.expectError, error, entities);
        } catch (mismatch) {
          if (mismatch instanceof UnsupportedError) throw mismatch;
          throw new Error(`${name}: ${(mismatch as Error).message}`);
        }
        continue;
      }
      if (error !== undefined) throw new Error(`${name}: unexpected error ${(error as Error).message}`);
      if (operation.expectResult !== undefined) {
        try {
          matchResult(operation as Operation, operation.expectResult, result, entities);
        } catch (mismatch) {
          throw new Error(`${name}: ${(mismatch as Error).message}`);
        }
      }
      if (operation.saveResultAsEntity) entities.map.set(operation.saveResultAsEntity, result);
    }
    for (const { client, name } of failPoints) await entities.client(client).client.db("admin").command({ configureFailPoint: name, mode: "off" });
    failPoints.length = 0;
    if (test.expectEvents) checkEvents(test.expectEvents, entities);
    if (test.outcome) await checkOutcome(internal, test.outcome);
    return { status: "pass" };
  } catch (error) {
    if (error instanceof UnsupportedError) return { status: "skip", reason: `runner: ${error.message}` };
    return { status: "fail", reason: (error as Error).message };
  } finally {
    for (const { client, name } of failPoints) await entities.client(client).client.db("admin").command({ configureFailPoint: name, mode: "off" }).catch(() => undefined);
    await entities.close();
  }
}

/** What the server is, for the tests' requirements. */
export async function describeServer(uri: string, internal: MongoClient): Promise<Server> {
  const admin = internal.db("admin");
  const [info, hello] = await Promise.all([admin.command({ buildInfo: 1 }), admin.command({ hello: 1 })]);
  const topology = hello.msg === "isdbgrid" ? "sharded" : hello.setName ? "replicaset" : "single";
  return { uri, version: parseVersion(String(info.version)), topology, auth: /\/\/[^/]*@/.test(uri) };
}

export async function runFile(file: TestFile, server: Server, internal: MongoClient, only?: RegExp): Promise<TestResult[]> {
  const results: TestResult[] = [];
  for (const test of file.tests) {
    const name = String(test.description);
    if (only && !only.test(`${file.file} ${name}`)) continue;
    results.push({ file: file.file, test: name, verdict: await runOne(file, test, server, internal) });
  }
  return results;
}
