/**
 * The sessions this server has seen (what `$listLocalSessions` lists): each command's `lsid`
 * marks its session used now; `endSessions` forgets them. Bounded, as mongod's cache is: past
 * the limit the least recently used are forgotten first.
 */
import { createHash } from "node:crypto";
import { Binary, type Document } from "bson";

const LIMIT = 10_000;

interface Entry {
  id: unknown;
  user: string | undefined;
  /** Epoch ms (a Date is made only when listed: this runs for every command). */
  lastUse: number;
}

function keyOf(id: unknown): string | undefined {
  if (id instanceof Binary) return Buffer.from(id.buffer.subarray(0, id.position)).toString("hex");
  return undefined;
}

export class LocalSessions {
  private readonly sessions = new Map<string, Entry>();

  /** Marks the session of a command's `lsid` as used now. */
  touch(lsid: unknown, user: string | undefined): void {
    const key = keyOf((lsid as Document | undefined)?.id);
    if (key === undefined) return;
    this.sessions.delete(key); // re-inserted last: the Map's order is least recently used first
    this.sessions.set(key, { id: (lsid as Document).id, user, lastUse: Date.now() });
    if (this.sessions.size > LIMIT) this.sessions.delete(this.sessions.keys().next().value!);
  }

  end(lsids: unknown): void {
    if (!Array.isArray(lsids)) return;
    for (const lsid of lsids) {
      const key = keyOf((lsid as Document | undefined)?.id);
      if (key !== undefined) this.sessions.delete(key);
    }
  }

  /** The sessions as `$listLocalSessions` answers them; `user` limits them to one user's (undefined: everyone's). */
  list(only?: { user: string | undefined }): Document[] {
    const entries = [...this.sessions.values()].filter((entry) => only === undefined || entry.user === only.user);
    return entries.map((entry) => ({
      _id: { id: entry.id, uid: new Binary(createHash("sha256").update(entry.user ?? "").digest()) },
      lastUse: new Date(entry.lastUse),
      ...(entry.user !== undefined && { user: { name: entry.user } }),
    }));
  }
}
