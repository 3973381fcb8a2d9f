/**
 * A view (`create` with `viewOn` and `pipeline`): stored as a collection whose options name
 * its source and pipeline, and read as a snapshot, the pipeline's result over the source,
 * computed at each read. A snapshot refuses every write, as mongod refuses writes to a view
 * (166 CommandNotSupportedOnView).
 */
import type { Document } from "bson";
import { MongoServerFailure } from "../errors.ts";
import { compareValues } from "../query/compare.ts";
import { runMingoPipeline } from "../query/pipeline.ts";
import { Collection } from "./collection.ts";
import type { JournalRecord } from "./persistence.ts";
import type { IndexSpec } from "./sorted-index.ts";

export function isViewDefinition(options: Document): boolean {
  return options.viewOn !== undefined;
}

export function notOnView(ns: string): MongoServerFailure {
  return new MongoServerFailure(166, "CommandNotSupportedOnView", `Namespace ${ns} is a view, not a collection`);
}

/** Writes to a view are refused before they look for documents (166, as mongod). */
export function refuseView(collection: Collection): void {
  if (collection instanceof ViewSnapshot) throw notOnView(collection.ns);
}

export class ViewSnapshot extends Collection {
  private readonly rows: Document[];

  constructor(ns: string, options: Document, source: Iterable<Document>, lookup: (name: string) => Iterable<Document> | undefined) {
    super(ns, options);
    this.rows = runMingoPipeline(source, (options.pipeline ?? []) as Document[], { collection: lookup });
  }

  override get size(): number {
    return this.rows.length;
  }

  override all(): IterableIterator<Document> {
    return this.rows.values();
  }

  override byId(id: unknown): Document | undefined {
    return this.rows.find((doc) => compareValues(doc._id, id) === 0);
  }

  override candidates(): Iterable<Document> {
    return this.rows;
  }

  override inSortOrder(): undefined {
    return undefined;
  }

  override insert(_doc: Document, _log: JournalRecord[]): never {
    throw notOnView(this.ns);
  }

  override replace(_previous: Document, _next: Document, _log: JournalRecord[]): never {
    throw notOnView(this.ns);
  }

  override remove(_doc: Document, _log: JournalRecord[]): never {
    throw notOnView(this.ns);
  }

  override createIndex(_spec: IndexSpec, _log: JournalRecord[]): never {
    throw notOnView(this.ns);
  }
}
