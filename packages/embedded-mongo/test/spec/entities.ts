/**
 * The entity map of one test: clients (each recording the command events it is asked to
 * observe), databases and collections, plus whatever operations save as entities.
 */
import { MongoClient, type Collection, type Db, type Document } from "mongodb";
import { UnsupportedError } from "./match.ts";

export interface ObservedEvent {
  kind: "commandStartedEvent" | "commandSucceededEvent" | "commandFailedEvent";
  commandName: string;
  databaseName: string;
  command?: Document;
  reply?: Document;
}

export interface ClientEntity {
  client: MongoClient;
  events: ObservedEvent[];
}

// Commands whose events the command monitoring spec hides, and the test runner's own.
const hidden = new Set(["authenticate", "saslstart", "saslcontinue", "getnonce", "createuser", "updateuser", "configurefailpoint"]);

export class Entities {
  readonly map = new Map<string, unknown>();

  constructor(private readonly uri: string) {}

  client(id: string): ClientEntity {
    const entity = this.map.get(id) as ClientEntity | undefined;
    if (!entity?.client) throw new Error(`no client entity ${id}`);
    return entity;
  }

  db(id: string): Db {
    const db = this.map.get(id);
    if (!(db && typeof db === "object" && "databaseName" in db && "collection" in db)) throw new Error(`no database entity ${id}`);
    return db as Db;
  }

  collection(id: string): Collection {
    const collection = this.map.get(id);
    if (!(collection && typeof collection === "object" && "collectionName" in collection)) throw new Error(`no collection entity ${id}`);
    return collection as Collection;
  }

  async create(definitions: Document[]): Promise<void> {
    for (const definition of definitions) {
      const [kind, spec] = Object.entries(definition)[0] as [string, Document];
      if (this.map.has(spec.id)) throw new Error(`duplicate entity ${spec.id}`);
      if (kind === "client") this.map.set(spec.id, await this.newClient(spec));
      else if (kind === "database") this.map.set(spec.id, this.client(spec.client).client.db(spec.databaseName, spec.databaseOptions));
      else if (kind === "collection") this.map.set(spec.id, this.db(spec.database).collection(spec.collectionName, spec.collectionOptions));
      else throw new UnsupportedError(`entity ${kind}`);
    }
  }

  private async newClient(spec: Document): Promise<ClientEntity> {
    if (spec.observeSensitiveCommands || spec.storeEventsAsEntities || spec.serverApi) throw new UnsupportedError("client option");
    const observe = new Set<string>(spec.observeEvents ?? []);
    const ignored = new Set<string>((spec.ignoreCommandMonitoringEvents ?? []).map((name: string) => name.toLowerCase()));
    const client = new MongoClient(this.uri, { ...spec.uriOptions, monitorCommands: observe.size > 0, promoteLongs: false });
    const events: ObservedEvent[] = [];
    const keep = (name: string): boolean => !hidden.has(name.toLowerCase()) && !ignored.has(name.toLowerCase());
    client.on("commandStarted", (event) => {
      if (observe.has("commandStartedEvent") && keep(event.commandName))
        events.push({ kind: "commandStartedEvent", commandName: event.commandName, databaseName: event.databaseName, command: event.command });
    });
    client.on("commandSucceeded", (event) => {
      if (observe.has("commandSucceededEvent") && keep(event.commandName))
        events.push({ kind: "commandSucceededEvent", commandName: event.commandName, databaseName: event.databaseName, reply: event.reply as Document });
    });
    client.on("commandFailed", (event) => {
      if (observe.has("commandFailedEvent") && keep(event.commandName))
        events.push({ kind: "commandFailedEvent", commandName: event.commandName, databaseName: event.databaseName });
    });
    await client.connect();
    return { client, events };
  }

  async close(): Promise<void> {
    for (const entity of this.map.values()) {
      if (entity && typeof entity === "object" && "client" in entity && entity.client instanceof MongoClient) await entity.client.close();
    }
    this.map.clear();
  }
}
