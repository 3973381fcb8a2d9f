/**
 * Running aggregation stages on mingo over stored documents: mingo sees plain JS numbers
 * (`mingoView`) and the command's variables and collation.
 */
import type { Document } from "bson";
import { Aggregator } from "mingo";
import type { Collation } from "./collation.ts";
import { mingoFailure, mingoInput, mingoView } from "./mingo-view.ts";
import type { Variables } from "./variables.ts";
import { inMongodOrder, needsMongodOrder } from "./field-order.ts";

export interface PipelineOptions {
  variables?: Variables | undefined;
  collation?: Collation | undefined;
  /** The documents of another collection of the same database ($lookup, $unionWith). */
  collection?: (name: string) => Iterable<Document> | undefined;
}

/** Stages that build new documents from their input without writing into it. */
const READ_ONLY_STAGES = new Set(["$match", "$group", "$count", "$sort", "$skip", "$limit", "$project", "$sortByCount"]);

function aggregatorFor(stages: Document[], options: PipelineOptions): Aggregator {
  const { collection } = options;
  return new Aggregator(stages.map((stage) => mingoView(stage) as Document), {
    ...(collection && { collectionResolver: (name: string) => [...(collection(name) ?? [])].map((doc) => mingoView(doc) as Document) }),
    ...(options.variables && { variables: mingoView(options.variables) as Document }),
    ...(options.collation && { collation: { ...options.collation.spec, locale: options.collation.tag } }),
  });
}

const isReadOnly = (stages: Document[]): boolean => stages.every((stage) => READ_ONLY_STAGES.has(Object.keys(stage)[0] ?? ""));

/**
 * Runs the stages on mingo; a stage whose fields mingo orders otherwise than mongod runs on
 * its own, so that its answer can be put in mongod's order (field-order.ts).
 */
export function runMingoPipeline(docs: Iterable<Document>, stages: Document[], options: PipelineOptions = {}): Document[] {
  let current = docs;
  let start = 0;
  stages.forEach((stage, i) => {
    if (!needsMongodOrder(stage)) return;
    const inputs = i > start ? runStages(current, stages.slice(start, i), options) : [...current];
    current = inMongodOrder(stage, inputs, runStages(inputs, [stage], options));
    start = i + 1;
  });
  return start < stages.length ? runStages(current, stages.slice(start), options) : [...current];
}

function runStages(docs: Iterable<Document>, stages: Document[], options: PipelineOptions): Document[] {
  const aggregator = aggregatorFor(stages, options);
  const readOnly = isReadOnly(stages);
  try {
    return aggregator.run([...docs].map((doc) => mingoInput(doc, readOnly) as Document));
  } catch (error) {
    throw mingoFailure(error);
  }
}

/** A command's turns on the shared thread (commands/time-slice.ts). */
export interface Turns {
  due(): boolean;
  pause(): Promise<void>;
}

/** Stages that act on each document alone: run on parts of the input, they answer what they would on the whole. */
const PER_DOCUMENT_STAGES = new Set(["$match", "$project", "$addFields", "$set", "$unset", "$unwind", "$replaceRoot", "$replaceWith", "$redact"]);
const CHUNK = 256;

/**
 * As `runMingoPipeline`, for a command that shares the thread: the leading stages that act
 * on each document alone run on a few hundred documents at a time, pausing between them when
 * the command's turn is used up; the stages from the first that needs its whole input ($group,
 * $sort, $lookup...) on run in one go over what the leading ones answered.
 */
export async function streamMingoPipeline(docs: Iterable<Document>, stages: Document[], options: PipelineOptions, turns: Turns): Promise<Document[]> {
  let split = 0;
  while (split < stages.length && PER_DOCUMENT_STAGES.has(Object.keys(stages[split]!)[0] ?? "")) split += 1;
  if (split === 0) return runMingoPipeline(docs, stages, options);
  const head = stages.slice(0, split);
  const aggregator = aggregatorFor(head, options);
  const readOnly = isReadOnly(head);
  const out: Document[] = [];
  const reorders = head.some(needsMongodOrder);
  const runChunk = (chunk: Document[]): void => {
    for (const doc of reorders ? runMingoPipeline(chunk, head, options) : aggregator.run(chunk)) out.push(doc as Document);
  };
  try {
    let chunk: Document[] = [];
    for (const doc of docs) {
      chunk.push(mingoInput(doc, readOnly) as Document);
      if (chunk.length < CHUNK) continue;
      runChunk(chunk);
      chunk = [];
      if (turns.due()) await turns.pause();
    }
    runChunk(chunk);
  } catch (error) {
    throw mingoFailure(error);
  }
  return split === stages.length ? out : runMingoPipeline(out, stages.slice(split), options);
}
