/**
 * The `bulkWrite` command of MongoDB 8.0 (what `MongoClient.bulkWrite` sends): inserts,
 * updates and deletes across namespaces in one command, run on `admin`. Each operation names
 * its namespace by index into `nsInfo`; the reply counts everything and opens a cursor of
 * per-operation results (only the failures with `errorsOnly`), which stops at the first
 * failure when `ordered`.
 */
import type { Document } from "bson";
import { MongoServerFailure } from "../errors.ts";
import type { Filter } from "../query/matcher.ts";
import { readLet } from "../query/variables.ts";
import type { JournalRecord } from "../storage/persistence.ts";
import { splitNamespace } from "../storage/store.ts";
import { insertDocument, readUpdateSpec, runDeleteStatement, runUpdateStatement } from "./apply-write.ts";
import { commit, type CommandContext, type CommandTable } from "./context.ts";
import { cursorReply } from "./crud-read.ts";
import { optionalNumber } from "./numbers.ts";
import { readQueryOptions } from "./query-env.ts";
import { toWriteError } from "./write-errors.ts";

const OPERATION_FIELDS: Record<string, Set<string>> = {
  insert: new Set(["insert", "document"]),
  update: new Set(["update", "filter", "updateMods", "arrayFilters", "multi", "hint", "upsert", "collation", "sort"]),
  delete: new Set(["delete", "filter", "multi", "hint", "collation"]),
};

function failedToParse(message: string): MongoServerFailure {
  return new MongoServerFailure(9, "FailedToParse", message);
}

interface Totals {
  nInserted: number;
  nMatched: number;
  nModified: number;
  nUpserted: number;
  nDeleted: number;
}

function namespaces(command: Document): [string, string][] {
  const nsInfo = command.nsInfo;
  if (!Array.isArray(nsInfo) || nsInfo.length === 0) throw failedToParse("BSON field 'bulkWrite.nsInfo' is missing or empty");
  return nsInfo.map((entry: Document, i) => {
    if (typeof entry?.ns !== "string" || !entry.ns.includes(".")) throw new MongoServerFailure(73, "InvalidNamespace", `Invalid namespace in nsInfo[${i}]`);
    return splitNamespace(entry.ns);
  });
}

function operationKind(op: Document, index: number, count: number): [string, [string, string] | number] {
  const kind = Object.keys(op)[0] ?? "";
  const fields = OPERATION_FIELDS[kind];
  if (!fields) throw failedToParse(`Unrecognized bulkWrite operation '${kind}' at ops[${index}]`);
  const unknown = Object.keys(op).filter((key) => !fields.has(key));
  if (unknown.length) throw failedToParse(`BSON field 'bulkWrite.ops.${kind}.${unknown[0]}' is an unknown field.`);
  const nsIndex = op[kind];
  if (typeof nsIndex !== "number" || !Number.isInteger(nsIndex) || nsIndex < 0 || nsIndex >= count) {
    throw new MongoServerFailure(2, "BadValue", `BulkWrite ops entry ${index} has an invalid nsInfo index.`);
  }
  return [kind, nsIndex];
}

async function bulkWrite(command: Document, context: CommandContext): Promise<Document> {
  if (context.db !== "admin") throw new MongoServerFailure(13, "Unauthorized", "The bulkWrite command can only be run against the admin database");
  const ops = command.ops;
  if (!Array.isArray(ops) || ops.length === 0) throw failedToParse("BSON field 'bulkWrite.ops' is missing or empty");
  const nsList = namespaces(command);
  const kinds = ops.map((op: Document, i) => operationKind(op, i, nsList.length));
  const variables = readLet(command.let);
  const bypass = command.bypassDocumentValidation === true;
  const ordered = command.ordered !== false;
  const errorsOnly = command.errorsOnly === true;
  const totals: Totals = { nInserted: 0, nMatched: 0, nModified: 0, nUpserted: 0, nDeleted: 0 };
  const results: Document[] = [];
  let nErrors = 0;
  const log: JournalRecord[] = [];
  const store = context.server.store;
  for (let idx = 0; idx < ops.length; idx += 1) {
    const op = ops[idx] as Document;
    const [kind, nsIndex] = kinds[idx]!;
    const [db, name] = nsList[nsIndex as number]!;
    try {
      let result: Document;
      if (kind === "insert") {
        insertDocument(store.ensureCollection(db, name, log), op.document as Document, bypass, log);
        totals.nInserted += 1;
        result = { ok: 1, idx, n: 1 };
      } else if (kind === "update") {
        const multi = op.multi === true;
        const { collation } = readQueryOptions(op.collation, undefined, store.definition(db, name)?.options);
        const outcome = await runUpdateStatement(context, store.ensureCollection(db, name, log), {
          filter: (op.filter ?? {}) as Filter,
          update: readUpdateSpec(op.updateMods, multi),
          arrayFilters: op.arrayFilters as Document[] | undefined,
          variables,
          bypassValidation: bypass,
          multi,
          upsert: op.upsert === true,
          collation,
          sort: op.sort as Document | undefined,
          hint: op.hint,
        }, log);
        const upserted = outcome.upsertedId !== undefined;
        totals.nMatched += upserted ? 0 : outcome.n;
        totals.nModified += outcome.nModified;
        totals.nUpserted += upserted ? 1 : 0;
        result = { ok: 1, idx, n: outcome.n, nModified: outcome.nModified, ...(upserted && { upserted: { _id: outcome.upsertedId } }) };
      } else {
        const { collation } = readQueryOptions(op.collation, undefined, store.definition(db, name)?.options);
        const n = await runDeleteStatement(context, store.collection(db, name), { filter: (op.filter ?? {}) as Filter, limit: op.multi === true ? 0 : 1, collation, variables, hint: op.hint }, log);
        totals.nDeleted += n;
        result = { ok: 1, idx, n };
      }
      if (!errorsOnly) results.push(result);
    } catch (error) {
      nErrors += 1;
      const { index: _index, ...failure } = toWriteError(idx, error);
      results.push({ ok: 0, idx, n: 0, ...failure, ...(error instanceof MongoServerFailure && { codeName: error.codeName }) });
      if (ordered) break;
    }
  }
  await commit(context, log, command);
  const cursor = (command.cursor ?? {}) as Document;
  const reply = cursorReply(context, "admin.$cmd.bulkWrite", results, optionalNumber(cursor, "batchSize"));
  return { ...reply, nErrors, ...totals };
}

export const bulkWriteCommands: CommandTable = { bulkwrite: bulkWrite };
