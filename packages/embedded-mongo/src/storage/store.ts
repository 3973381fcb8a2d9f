/**
 * All databases and their collections. Every mutation appends the journal records that
 * reproduce it to the caller's `log`; `applyRecord` replays them and `snapshotRecords`
 * describes the whole state for compaction.
 */
import type { Document } from "bson";
import { MongoServerFailure } from "../errors.ts";
import { Collection } from "./collection.ts";
import type { JournalRecord, ReplayableStore } from "./persistence.ts";
import type { IndexSpec } from "./sorted-index.ts";
import { isViewDefinition, ViewSnapshot } from "./view.ts";

export function splitNamespace(ns: string): [string, string] {
  const dot = ns.indexOf(".");
  return [ns.slice(0, dot), ns.slice(dot + 1)];
}

function checkCollectionName(db: string, name: string): void {
  if (!db || !name || name.includes("$") || name.includes("\0") || name.startsWith(".")) {
    throw new MongoServerFailure(73, "InvalidNamespace", `Invalid namespace specified '${db}.${name}'`);
  }
}

export class Store implements ReplayableStore {
  private readonly databases = new Map<string, Map<string, Collection>>();

  /** The collection, or for a view the snapshot of its documents now. */
  collection(db: string, name: string): Collection | undefined {
    const found = this.databases.get(db)?.get(name);
    return found && isViewDefinition(found.options) ? this.viewSnapshot(db, found) : found;
  }

  /** The collection or view as defined, without evaluating a view. */
  definition(db: string, name: string): Collection | undefined {
    return this.databases.get(db)?.get(name);
  }

  private viewSnapshot(db: string, view: Collection): ViewSnapshot {
    const source = this.collection(db, String(view.options.viewOn));
    return new ViewSnapshot(view.ns, view.options, source?.all() ?? [], (name) => this.collection(db, name)?.all());
  }

  /** Replaces the options of a collection or view (collMod). */
  modifyCollection(db: string, name: string, options: Document, log: JournalRecord[]): void {
    const collection = this.definition(db, name);
    if (!collection) throw new MongoServerFailure(26, "NamespaceNotFound", `ns does not exist: ${db}.${name}`);
    for (const key of Object.keys(collection.options)) delete collection.options[key];
    Object.assign(collection.options, options);
    log.push({ t: "collMod", ns: collection.ns, options });
  }

  /** The collection, created (as mongod does on first write) when missing. */
  ensureCollection(db: string, name: string, log: JournalRecord[]): Collection {
    return this.collection(db, name) ?? this.createCollection(db, name, {}, log);
  }

  createCollection(db: string, name: string, options: Document, log: JournalRecord[]): Collection {
    checkCollectionName(db, name);
    if (this.collection(db, name)) {
      throw new MongoServerFailure(48, "NamespaceExists", `Collection ${db}.${name} already exists.`);
    }
    const collections = this.databases.get(db) ?? new Map<string, Collection>();
    this.databases.set(db, collections);
    const collection = new Collection(`${db}.${name}`, options);
    collections.set(name, collection);
    log.push({ t: "createCollection", ns: collection.ns, options });
    return collection;
  }

  dropCollection(db: string, name: string, log: JournalRecord[]): boolean {
    const collections = this.databases.get(db);
    if (!collections?.delete(name)) return false;
    if (collections.size === 0) this.databases.delete(db);
    log.push({ t: "dropCollection", ns: `${db}.${name}` });
    return true;
  }

  dropDatabase(db: string, log: JournalRecord[]): void {
    if (this.databases.delete(db)) log.push({ t: "dropDatabase", db });
  }

  renameCollection(from: string, to: string, dropTarget: boolean, log: JournalRecord[]): void {
    const [fromDb, fromName] = splitNamespace(from);
    const [toDb, toName] = splitNamespace(to);
    const source = this.collection(fromDb, fromName);
    if (!source) throw new MongoServerFailure(26, "NamespaceNotFound", "Source collection does not exist");
    checkCollectionName(toDb, toName);
    if (this.collection(toDb, toName)) {
      if (!dropTarget) throw new MongoServerFailure(48, "NamespaceExists", "target namespace exists");
      this.dropCollection(toDb, toName, []);
    }
    this.dropCollection(fromDb, fromName, []);
    const target = this.createCollection(toDb, toName, source.options, []);
    for (const spec of source.indexSpecs().slice(1)) target.createIndex(spec, []);
    for (const doc of source.all()) target.insert(doc, []);
    log.push({ t: "renameCollection", from, to });
  }

  databaseNames(): string[] {
    return [...this.databases.keys()];
  }

  collectionNames(db: string): string[] {
    return [...(this.databases.get(db)?.keys() ?? [])];
  }

  collections(db: string): Collection[] {
    return [...(this.databases.get(db)?.values() ?? [])];
  }

  applyRecord(record: JournalRecord): void {
    const ignored: JournalRecord[] = [];
    switch (record.t) {
      case "put": {
        const [db, name] = splitNamespace(record.ns);
        this.ensureCollection(db, name, ignored).restore(record.doc);
        return;
      }
      case "del": {
        const [db, name] = splitNamespace(record.ns);
        const collection = this.collection(db, name);
        const doc = collection?.byId(record.id);
        if (collection && doc) collection.remove(doc, ignored);
        return;
      }
      case "createCollection": {
        const [db, name] = splitNamespace(record.ns);
        if (!this.collection(db, name)) this.createCollection(db, name, record.options, ignored);
        return;
      }
      case "dropCollection": {
        const [db, name] = splitNamespace(record.ns);
        this.dropCollection(db, name, ignored);
        return;
      }
      case "dropDatabase":
        this.dropDatabase(record.db, ignored);
        return;
      case "createIndex": {
        const [db, name] = splitNamespace(record.ns);
        const collection = this.ensureCollection(db, name, ignored);
        if (!collection.indexes.has(record.spec.name as string)) collection.createIndex(record.spec as IndexSpec, ignored);
        return;
      }
      case "dropIndex": {
        const [db, name] = splitNamespace(record.ns);
        const collection = this.collection(db, name);
        if (collection?.indexes.has(record.name)) collection.dropIndex(record.name, ignored);
        return;
      }
      case "renameCollection":
        this.renameCollection(record.from, record.to, true, ignored);
        return;
      case "collMod": {
        const [db, name] = splitNamespace(record.ns);
        if (this.definition(db, name)) this.modifyCollection(db, name, record.options, ignored);
        return;
      }
    }
  }

  *snapshotRecords(): Iterable<JournalRecord> {
    for (const [db, collections] of this.databases) {
      for (const [name, collection] of collections) {
        const ns = `${db}.${name}`;
        yield { t: "createCollection", ns, options: collection.options };
        for (const spec of collection.indexSpecs().slice(1)) yield { t: "createIndex", ns, spec };
        for (const doc of collection.all()) yield { t: "put", ns, doc };
      }
    }
  }
}
