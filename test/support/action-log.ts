/**
 * Reading the engine's durable log in tests: one document per flow in `<prefix>.flows`, a
 * marker (`state: "pending"`, intents) while it runs, its record (`state: "done"`, `records`:
 * the actions as one JSON text) once finished.
 */
import type { Db, Document } from "mongodb";

export interface LoggedRecord {
  id: string;
  flow: string;
  concept: string;
  action: string;
  input: Record<string, unknown>;
  output?: unknown;
  thrown?: string;
  cause?: { sync: string; records: string[]; key: string };
}

/** Every record of the finished flows (or of one flow), each with its flow id. */
export async function loggedRecords(db: Db, prefix = "engine", flow?: string): Promise<LoggedRecord[]> {
  const docs = await db
    .collection(`${prefix}.flows`)
    .find({ state: "done", ...(flow === undefined ? {} : { flow }) })
    .sort({ flow: 1, part: 1 })
    .toArray();
  return docs.flatMap((doc: Document) => (JSON.parse(doc["records"] as string) as Omit<LoggedRecord, "flow">[]).map((record) => ({ ...record, flow: doc["flow"] as string })));
}

/** How many records of `concept.action` (or any concept's `action`) the finished flows hold, matching `filter` on their fields. */
export async function countLogged(db: Db, prefix: string, action: string, filter: (record: LoggedRecord) => boolean = () => true): Promise<number> {
  const [concept, name] = action.includes(".") ? action.split(".") : [undefined, action];
  return (await loggedRecords(db, prefix)).filter((record) => (concept === undefined || record.concept === concept) && record.action === name && filter(record)).length;
}

/** Flows whose marker is still pending (unfinished work for a recovery pass). */
export function pendingFlows(db: Db, prefix = "engine"): Promise<number> {
  return db.collection(`${prefix}.flows`).countDocuments({ state: "pending" });
}
