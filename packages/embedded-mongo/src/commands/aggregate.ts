/** aggregate (mingo runs the pipeline; a leading $match uses our indexes), count and distinct. */
import type { Document } from "bson";
import { MongoServerFailure } from "../errors.ts";
import type { Filter } from "../query/matcher.ts";
import { compareValues } from "../query/compare.ts";
import { MISSING, resolvePath } from "../query/path.ts";
import { valueKey } from "../storage/value-key.ts";
import { withId } from "../query/update.ts";
import type { JournalRecord } from "../storage/persistence.ts";
import { collectionName, commit, type CommandContext, type CommandTable } from "./context.ts";
import { cursorReply } from "./crud-read.ts";
import { writeMerge } from "./merge.ts";
import { streamMingoPipeline } from "../query/pipeline.ts";
import { runNativeStages } from "../query/native-stages.ts";
import { optionalNumber } from "./numbers.ts";
import { splitPipeline } from "./pipeline-prefix.ts";
import { readQueryOptions, type QueryOptions } from "./query-env.ts";
import { outputDatabase, requireRightsOn } from "./rights.ts";
import { checkHint, matchingDocuments, noneFrom } from "./select.ts";
import { TimeSlice } from "./time-slice.ts";
import { refuseCollatedComparisons } from "../query/collated-pipeline.ts";
import { containsNear } from "../query/geo/near-clause.ts";
import { geoNearStage } from "./geo-near-stage.ts";
import { containsTextScore, hasText, type TextScores } from "./text-search.ts";
import { stagesReadingScores, withoutScores, withScores } from "./text-score-stages.ts";

const UNSUPPORTED_STAGES = new Set(["$changeStream", "$search", "$searchMeta", "$vectorSearch", "$collStats", "$indexStats", "$currentOp", "$listSessions", "$planCacheStats"]);

function checkStages(pipeline: Document[]): void {
  pipeline.forEach((stage, i) => {
    const name = Object.keys(stage)[0] ?? "";
    if (UNSUPPORTED_STAGES.has(name)) {
      throw new MongoServerFailure(40324, "Location40324", `Unrecognized pipeline stage name: '${name}'`);
    }
    // Results ordered by distance have no meaning inside a pipeline: mongod refuses them there (countDocuments too).
    if (name === "$match" && i > 0 && hasText(stage.$match)) {
      throw new MongoServerFailure(17313, "Location17313", "$match with $text is only allowed as the first pipeline stage");
    }
    if (name === "$match" && containsNear(stage.$match)) {
      throw new MongoServerFailure(5626500, "Location5626500", "$geoNear, $near, and $nearSphere are not allowed in this context, as these operators require sorting geospatial data. If you do not need sort, consider using $geoWithin instead.");
    }
    if ((name === "$out" || name === "$merge") && i !== pipeline.length - 1) {
      throw new MongoServerFailure(40601, "Location40601", `${name} can only be the final stage in the pipeline`);
    }
    if (name === "$geoNear" && i !== 0) {
      throw new MongoServerFailure(40603, "Location40603", "$geoNear was not the first stage in the pipeline.");
    }
    if (name === "$listLocalSessions" && i !== 0) {
      throw new MongoServerFailure(40602, "Location40602", "$listLocalSessions is only valid as the first stage in a pipeline");
    }
  });
}

/** `$listLocalSessions` (first stage of `aggregate: 1`): this user's sessions, or everyone's with `allUsers`. */
function localSessions(stage: unknown, context: CommandContext): Document[] {
  const spec = (stage ?? {}) as Document;
  if (spec.users !== undefined) throw new MongoServerFailure(115, "CommandNotSupported", "$listLocalSessions 'users' is not supported by this server; use {} or { allUsers: true }");
  return context.server.sessions?.list(spec.allUsers === true ? undefined : { user: context.auth.user }) ?? [];
}

/** The documents the pipeline starts from, the stages left to run on them, and whether the results carry a text score to take off. */
async function pipelineSource(context: CommandContext, collection: string | undefined, pipeline: Document[], options: QueryOptions): Promise<{ source: Document[]; rest: Document[]; scored?: boolean }> {
  const first = pipeline[0];
  if (collection === undefined && first !== undefined && "$listLocalSessions" in first) {
    return { source: localSessions(first.$listLocalSessions, context), rest: pipeline.slice(1) };
  }
  const stored = collection === undefined ? undefined : context.server.store.collection(context.db, collection);
  if (first !== undefined && "$geoNear" in first) {
    return { source: await geoNearStage(stored, first.$geoNear, { ...options, deadline: context.deadline }), rest: pipeline.slice(1) };
  }
  const { selection, rest } = splitPipeline(pipeline);
  // A $text match's scores: a leading $sort may order by them, later stages read them (text-score-stages.ts).
  const textScores: TextScores | undefined = hasText(selection.filter) ? new WeakMap() : undefined;
  const source = collection === undefined ? [] : await matchingDocuments(stored, { ...selection, ...options, deadline: context.deadline, textScores });
  if (textScores && containsTextScore(rest)) return { source: withScores(source, textScores), rest: stagesReadingScores(rest), scored: true };
  return { source, rest };
}

async function runPipeline(context: CommandContext, collection: string | undefined, pipeline: Document[], options: QueryOptions): Promise<Document[]> {
  const { source, rest, scored } = await pipelineSource(context, collection, pipeline, options);
  const docs = await runStages(context, source, rest, options);
  return scored ? withoutScores(docs) : docs;
}

async function runStages(context: CommandContext, source: Document[], rest: Document[], options: QueryOptions): Promise<Document[]> {
  if (rest.length === 0) return source;
  if (options.collation) refuseCollatedComparisons(rest);
  const native = runNativeStages(source, rest, options);
  if (native.rest.length === 0) return native.docs;
  const store = context.server.store;
  return streamMingoPipeline(native.docs, native.rest, { ...options, collection: (name) => store.collection(context.db, name)?.all() }, new TimeSlice(context.deadline));
}

/** `$out`: the results replace the target collection's documents (its indexes stay). */
async function writeOut(context: CommandContext, command: Document, target: unknown, docs: Document[]): Promise<void> {
  const [db, name] = typeof target === "string" ? [context.db, target] : [String((target as Document).db), String((target as Document).coll)];
  const store = context.server.store;
  const log: JournalRecord[] = [];
  const previous = store.collection(db, name);
  const indexes = previous?.indexSpecs().slice(1) ?? [];
  if (previous) store.dropCollection(db, name, log);
  const collection = store.createCollection(db, name, previous?.options ?? {}, log);
  for (const spec of indexes) collection.createIndex(spec, log);
  for (const doc of docs) collection.insert(withId(doc), log);
  await commit(context, log, command);
}

async function aggregate(command: Document, context: CommandContext): Promise<Document> {
  const target = command.aggregate;
  const pipeline = command.pipeline;
  if (!Array.isArray(pipeline)) throw new MongoServerFailure(14, "TypeMismatch", "'pipeline' option must be specified as an array");
  if (command.explain === true) throw new MongoServerFailure(115, "CommandNotSupported", "aggregate with explain is not supported by this server");
  const outputDb = outputDatabase(pipeline, context.db);
  if (outputDb !== undefined) requireRightsOn(context, outputDb, "aggregate");
  checkStages(pipeline as Document[]);
  const last = pipeline[pipeline.length - 1] as Document | undefined;
  const out = last && "$out" in last ? last.$out : undefined;
  const merge = last && "$merge" in last ? last.$merge : undefined;
  const stages = out === undefined && merge === undefined ? pipeline : pipeline.slice(0, -1);
  const collection = typeof target === "string" ? target : undefined;
  if (collection !== undefined) checkHint(context.server.store.collection(context.db, collection), command.hint);
  const defaults = collection === undefined ? undefined : context.server.store.definition(context.db, collection)?.options;
  const docs = await runPipeline(context, collection, stages as Document[], readQueryOptions(command.collation, command.let, defaults));
  const cursor = (command.cursor ?? {}) as Document;
  const ns = `${context.db}.${collection ?? "$cmd.aggregate"}`;
  if (out !== undefined || merge !== undefined) {
    if (out !== undefined) await writeOut(context, command, out, docs);
    else await writeMerge(context, command, merge, docs);
    return cursorReply(context, ns, [], undefined);
  }
  return cursorReply(context, ns, docs, optionalNumber(cursor, "batchSize"));
}

async function count(command: Document, context: CommandContext): Promise<Document> {
  const collection = context.server.store.collection(context.db, collectionName(command));
  const query = (command.query ?? {}) as Filter;
  const skip = optionalNumber(command, "skip") ?? 0;
  const limit = Math.abs(optionalNumber(command, "limit") ?? 0);
  const options = readQueryOptions(command.collation, undefined, context.server.store.definition(context.db, collectionName(command))?.options);
  checkHint(collection, command.hint);
  if (!collection) return { n: noneFrom({ filter: query, ...options }).length, ok: 1 };
  const n = Object.keys(query).length === 0 && !skip && !limit
    ? collection.size
    : (await matchingDocuments(collection, { filter: query, skip, limit, deadline: context.deadline, ...options })).length;
  return { n, ok: 1 };
}

async function distinct(command: Document, context: CommandContext): Promise<Document> {
  const key = command.key;
  if (typeof key !== "string") throw new MongoServerFailure(14, "TypeMismatch", "BSON field 'distinct.key' is missing or is not a string");
  const options = readQueryOptions(command.collation, undefined, context.server.store.definition(context.db, collectionName(command))?.options);
  const docs = await matchingDocuments(context.server.store.collection(context.db, collectionName(command)), { filter: (command.query ?? {}) as Filter, deadline: context.deadline, ...options, hint: command.hint });
  const values: unknown[] = [];
  const seen = new Set<string>();
  const slice = new TimeSlice(context.deadline);
  for (const doc of docs) {
    if (slice.due()) await slice.pause();
    for (const leaf of resolvePath(doc, key)) {
      if (leaf === MISSING) continue;
      for (const value of Array.isArray(leaf) ? leaf : [leaf]) {
        if (options.collation) {
          // Equal under the collation ("ping" and "PING" at strength 2) counts once: the first one seen.
          if (!values.some((kept) => compareValues(kept, value, options.collation) === 0)) values.push(value);
          continue;
        }
        const k = valueKey(value);
        if (!seen.has(k)) {
          seen.add(k);
          values.push(value);
        }
      }
    }
  }
  return { values, ok: 1 };
}

export const aggregateCommands: CommandTable = { aggregate, count, distinct };
