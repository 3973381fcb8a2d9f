/**
 * A small concept and syncs for testing the HTTP edge alone, independent of the focus
 * concepts: notes belong to users; writing one stamps the writer's card through a sync.
 */
import { randomUUID } from "node:crypto";
import type { Db } from "mongodb";
import { z } from "zod";
import { Requesting } from "../../src/concepts/Requesting/RequestingConcept.ts";
import { action, actions, conceptRef, query, type ConceptImplementation, type ErrorOutput, type InputOf, type Sync } from "../../src/engine/index.ts";
import { empty, id, instant } from "../../src/utils/schemas.ts";

const noteRow = z.object({ note: id, user: id, text: z.string(), writtenAt: z.date() });

export const NotebookSchemas = {
  write: action({
    input: z.object({ user: id, text: z.string().min(1).max(100), pages: z.number().int().positive().optional(), at: instant.optional() }),
    output: z.object({ note: id, writtenAt: z.date() }),
    description: "Writes a note for a user.",
  }),
  erase: action({ input: z.object({ note: id, user: id.optional() }), output: empty }),
  reserve: action({ input: z.object({ title: z.string().min(1) }), output: empty }),
  stamp: action({ input: z.object({ user: id }), output: z.object({ stamps: z.number() }), syncOnly: true }),
  _notes: query({ input: z.object({ user: id }), output: noteRow }),
  _stamps: query({ input: z.object({ user: id }), output: z.object({ stamps: z.number() }) }),
};
type Schemas = typeof NotebookSchemas;
type NoteRow = z.infer<typeof noteRow>;

export class NotebookConcept implements ConceptImplementation<Schemas> {
  static readonly conceptName = "Notebook";
  static readonly schemas = NotebookSchemas;

  readonly notes = new Map<string, NoteRow>();
  readonly stamps = new Map<string, number>();
  private readonly titles = new Set<string>();

  constructor(_db?: Db) {}

  async write({ user, text, at }: InputOf<Schemas["write"]>) {
    const note = randomUUID();
    const writtenAt = at ?? new Date();
    this.notes.set(note, { note, user, text, writtenAt });
    return { note, writtenAt };
  }

  async erase({ note, user }: InputOf<Schemas["erase"]>): Promise<Record<string, never> | ErrorOutput> {
    const found = this.notes.get(note);
    if (found === undefined) return { error: "note not found", reason: "not_found" };
    if (user !== undefined && found.user !== user) return { error: "note belongs to another user", reason: "forbidden" };
    this.notes.delete(note);
    return {};
  }

  async reserve({ title }: InputOf<Schemas["reserve"]>): Promise<Record<string, never> | ErrorOutput> {
    if (this.titles.has(title)) return { error: "title already reserved", reason: "conflict" };
    if (title === "forbidden words") return { error: "title is not allowed" };
    if (title === "explode") throw new Error("the notebook caught fire");
    this.titles.add(title);
    return {};
  }

  async stamp({ user }: InputOf<Schemas["stamp"]>) {
    const stamps = (this.stamps.get(user) ?? 0) + 1;
    this.stamps.set(user, stamps);
    return { stamps };
  }

  async _notes({ user }: InputOf<Schemas["_notes"]>) {
    return [...this.notes.values()].filter((row) => row.user === user);
  }

  async _stamps({ user }: InputOf<Schemas["_stamps"]>) {
    return [{ stamps: this.stamps.get(user) ?? 0 }];
  }
}

export const Notebook = conceptRef(NotebookConcept);

/** Writing a note stamps the writer's card: proof that concept routes run syncs. */
export const WritingStampsTheCard: Sync = ({ user }) => ({
  when: actions([Notebook.write, { user }, {}]),
  then: actions([Notebook.stamp, { user }]),
});

/** `POST /notes/:topic` writes the body's text for the request's user and answers 201. */
export const WriteNoteRequest: Sync = ({ request, body, user, text }) => ({
  when: actions([Requesting.request, { route: "POST /notes/:topic", body, user }, { request }]),
  where: async (frames) => frames.bind(text, (frame) => String((frame[body] as { text?: unknown }).text ?? "")),
  then: actions([Notebook.write, { user, text }]),
});

export const WriteNoteResponse: Sync = ({ request, note, params, answer }) => ({
  when: actions([Requesting.request, { route: "POST /notes/:topic", params }, { request }], [Notebook.write, {}, { note }]),
  where: async (frames) => frames.bind(answer, (frame) => ({ note: frame[note], topic: (frame[params] as { topic: string }).topic })),
  then: actions([Requesting.respond, { request, status: 201, body: answer }]),
});

export const WriteNoteError: Sync = ({ request, error }) => ({
  when: actions([Requesting.request, { route: "POST /notes/:topic" }, { request }], [Notebook.write, {}, { error }]),
  then: actions([Requesting.respond, { request, status: 422, body: { message: "could not write" } }]),
});

/** Echoes what the bridge put on the request, so tests can see it; literal segments win over params. */
export const EchoRequest: Sync = ({ request, params, query, body, user, principal, path, method, echo }) => ({
  when: actions([Requesting.request, { route: "GET /echo/:what", params, query, body, user, principal, path, method }, { request }]),
  where: async (frames) =>
    frames.bind(echo, (frame) => ({
      route: "GET /echo/:what",
      params: frame[params],
      query: frame[query],
      body: frame[body],
      user: frame[user],
      principal: frame[principal],
      path: frame[path],
      method: frame[method],
    })),
  then: actions([Requesting.respond, { request, body: echo }]),
});

export const EchoSpecialRequest: Sync = ({ request }) => ({
  when: actions([Requesting.request, { route: "GET /echo/special" }, { request }]),
  then: actions([Requesting.respond, { request, body: { route: "GET /echo/special" } }]),
});

/** Served under a configured base path. */
export const PlaceholderRequest: Sync = ({ request, params }) => ({
  when: actions([Requesting.request, { route: "DELETE {FLOW_BASE_PATH}/:id", params }, { request }]),
  then: actions([Requesting.respond, { request, status: 204, body: params }]),
});

/** A sync bug: listens to a route but never responds. */
export const ForgetfulRequest: Sync = ({ request }) => ({
  when: actions([Requesting.request, { route: "PUT /forgotten" }, { request }]),
  then: actions([Notebook.reserve, { title: "forgotten" }]),
});

export const notebookSyncs = {
  WritingStampsTheCard,
  WriteNoteRequest,
  WriteNoteResponse,
  WriteNoteError,
  EchoRequest,
  EchoSpecialRequest,
  PlaceholderRequest,
  ForgetfulRequest,
};
