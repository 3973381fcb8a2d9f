/**
 * Running aggregation stages on mingo over stored documents: mingo sees plain JS numbers
 * (`mingoView`) and the command's variables and collation.
 */
import type { Document } from "bson";
import { Aggregator } from "mingo";
import type { Collation } from "./collation.ts";
import { mingoFailure, mingoInput, mingoView } from "./mingo-view.ts";
import type { Variables } from "./variables.ts";

export interface PipelineOptions {
  variables?: Variables | undefined;
  collation?: Collation | undefined;
  /** The documents of another collection of the same database ($lookup, $unionWith). */
  collection?: (name: string) => Iterable<Document> | undefined;
}

/** Stages that build new documents from their input without writing into it. */
const READ_ONLY_STAGES = new Set(["$match", "$group", "$count", "$sort", "$skip", "$limit", "$project", "$sortByCount"]);

export function runMingoPipeline(docs: Iterable<Document>, stages: Document[], options: PipelineOptions = {}): Document[] {
  const { collection } = options;
  const aggregator = new Aggregator(stages.map((stage) => mingoView(stage) as Document), {
    ...(collection && { collectionResolver: (name: string) => [...(collection(name) ?? [])].map((doc) => mingoView(doc) as Document) }),
    ...(options.variables && { variables: mingoView(options.variables) as Document }),
    ...(options.collation && { collation: options.collation.spec as { locale: string } }),
  });
  const readOnly = stages.every((stage) => READ_ONLY_STAGES.has(Object.keys(stage)[0] ?? ""));
  try {
    return aggregator.run([...docs].map((doc) => mingoInput(doc, readOnly) as Document));
  } catch (error) {
    throw mingoFailure(error);
  }
}
