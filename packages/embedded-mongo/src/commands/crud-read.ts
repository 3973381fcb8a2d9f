/** find, getMore and killCursors. */
import { Long, type Document } from "bson";
import { MongoServerFailure } from "../errors.ts";
import type { Filter } from "../query/matcher.ts";
import { collectionName, type CommandContext, type CommandTable } from "./context.ts";
import { compileProjection, projectionKey } from "../query/projection.ts";
import type { CursorSource } from "../cursors.ts";
import { ViewSnapshot } from "../storage/view.ts";
import { optionalNumber } from "./numbers.ts";
import { readQueryOptions } from "./query-env.ts";
import { scopeOf } from "./rights.ts";
import { findDocuments } from "./select.ts";
import { hasText, type TextScores } from "./text-search.ts";

/** Opens a cursor on `docs` and answers with its first batch, as find and aggregate do. */
export function cursorReply(
  context: CommandContext,
  ns: string,
  docs: Document[],
  batchSize: number | undefined,
  singleBatch = false,
  options: Pick<CursorSource, "shape" | "storedShape" | "noTimeout" | "rest"> = {},
): Document {
  const batch = context.server.cursors.start({ ns, docs, owner: context.auth.user, ...options }, batchSize, singleBatch);
  return { cursor: { firstBatch: batch.docs, id: batch.id, ns }, ok: 1 };
}

/** find options that would change the answer and that this server does not implement: refused, not ignored. */
const UNSUPPORTED_FIND_OPTIONS = ["min", "max", "returnKey", "showRecordId", "tailable", "awaitData"];

async function find(command: Document, context: CommandContext): Promise<Document> {
  const name = collectionName(command);
  const unsupported = UNSUPPORTED_FIND_OPTIONS.filter((option) => command[option] !== undefined && command[option] !== false);
  if (unsupported.length) throw new MongoServerFailure(115, "CommandNotSupported", `find ${unsupported.join(", ")} ${unsupported.length > 1 ? "are" : "is"} not supported by this server`);
  const limit = optionalNumber(command, "limit") ?? 0;
  const skip = optionalNumber(command, "skip") ?? 0;
  if (skip < 0) throw new MongoServerFailure(51024, "Location51024", "BSON field 'skip' value must be >= 0, actual value '" + skip + "'");
  if (limit < 0) throw new MongoServerFailure(51024, "Location51024", "BSON field 'limit' value must be >= 0, actual value '" + limit + "'");
  const filter = command.filter as Filter;
  // Scores of a $text query's matches, for `{ $meta: "textScore" }` in the projection or the sort.
  const textScores: TextScores | undefined = hasText(filter) ? new WeakMap() : undefined;
  const shape = compileProjection(command.projection as Document | undefined, filter, textScores && ((doc) => textScores.get(doc) ?? 0));
  const collection = context.server.store.collection(context.db, name);
  const selection = {
    filter,
    sort: command.sort as Document,
    skip,
    limit,
    deadline: context.deadline,
    ...readQueryOptions(command.collation, command.let, context.server.store.definition(context.db, name)?.options),
    hint: command.hint,
    textScores,
  };
  const { docs, rest } = await findDocuments(collection, selection);
  return cursorReply(context, `${context.db}.${name}`, docs, optionalNumber(command, "batchSize"), command.singleBatch === true, {
    shape,
    // Stored documents, unless the collection is a view (its pipeline makes new ones).
    storedShape: collection instanceof ViewSnapshot ? undefined : projectionKey(command.projection as Document | undefined),
    noTimeout: command.noCursorTimeout === true,
    rest,
  });
}

function getMore(command: Document, context: CommandContext): Document {
  const id = command.getMore;
  if (!(id instanceof Long)) throw new MongoServerFailure(14, "TypeMismatch", "BSON field 'getMore.getMore' is the wrong type, expected type 'long'");
  const ns = `${context.db}.${String(command.collection)}`;
  const batch = context.server.cursors.more(id, ns, optionalNumber(command, "batchSize"), context.auth.user);
  return { cursor: { nextBatch: batch.docs, id: batch.id, ns }, ok: 1 };
}

function killCursors(command: Document, context: CommandContext): Document {
  const ids = ((command.cursors ?? []) as unknown[]).map((id) => (id instanceof Long ? id : Long.fromNumber(Number(id))));
  const ns = `${context.db}.${collectionName(command)}`;
  // The administrator may kill any cursor (mongod's root has killAnyCursor); other logins their own.
  const { killed, notFound } = context.server.cursors.kill(ids, { ns, user: context.auth.user, anyOwner: scopeOf(context) === undefined });
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
}

export const crudReadCommands: CommandTable = {
  find,
  getmore: getMore,
  killcursors: killCursors,
};
