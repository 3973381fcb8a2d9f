import { randomUUID } from "node:crypto";
import type { Db } from "mongodb";
import { z } from "zod";
import {
  action,
  query,
  systemClock,
  type Clock,
  type ConceptImplementation,
  type ConceptOptions,
  type ConceptSchemas,
  type ErrorOutput,
  type InputOf,
  type OutputOf,
} from "../../engine/concept.ts";
import { conceptRef } from "../../engine/refs.ts";
import { id } from "../../utils/schemas.ts";

export const httpMethods = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type HttpMethod = (typeof httpMethods)[number];

/**
 * A route literal as syncs write it: the method, one space, and a path pattern whose
 * segments are literal or `:param`; a leading `{NAME}` segment is a base path taken from
 * configuration (`"PATCH {FLOW_BASE_PATH}/:id/pause"`).
 */
export const routeLiteral = z
  .string()
  .regex(
    /^(GET|POST|PUT|PATCH|DELETE) (\{[A-Z_]+\})?(\/(:[A-Za-z_][A-Za-z0-9_]*|[A-Za-z0-9._~-]+))*\/?$/,
    'must look like "PATCH /api/v1/sessions/:sessionId"',
  );


/**
 * Fields of a template-style request that a client's body may not set: the bridge sets
 * `principal`, and a `route` would make the request a REST dialect's, matched by its syncs.
 * Every other body field passes through, whatever its name, as in the template.
 */
export const reservedRequestFields = ["route", "principal"] as const;

/**
 * A field typed as a dialect request carries it, but taken as it is: a template-style request
 * (no `route`) may carry a body field of the same name holding anything (a search box's
 * `query: "focus music"`). A dialect request's fields are checked by `dialectFields` below.
 */
function passedThrough<S extends z.ZodType>(_dialectType: S) {
  return z.custom<NonNullable<z.infer<S>> | Extract<z.infer<S>, null>>(() => true).optional();
}

/** What a REST dialect request's fields must be (the bridge builds them; a sync may too). */
const dialectFields = z.object({
  method: z.enum(httpMethods).optional(),
  params: z.record(z.string(), z.string()).optional(),
  query: z.record(z.string(), z.string()).optional(),
  user: id.nullable().optional(),
});
const dialectStatus = z.number().int().min(200).max(599);
/** Built once: `respond` checks every dialect response's status with it. */
const dialectStatusOrDefault = dialectStatus.optional();

export const RequestingSchemas = {
  request: action({
    // Two shapes: a REST dialect route (`route`, `method`, `params`, `query`, `body`, `user`), or the
    // 6.1040 template's `{ path, ...fields }` with `path` relative to REQUESTING_BASE_URL and the
    // JSON body's fields flattened in. Only `path` is common; any other field may come along.
    input: z
      .object({
        method: passedThrough(dialectFields.shape.method),
        route: routeLiteral.optional(),
        path: z.string(),
        params: passedThrough(dialectFields.shape.params),
        query: passedThrough(dialectFields.shape.query),
        body: z.unknown().optional(),
        user: passedThrough(dialectFields.shape.user),
        principal: z.enum(["user", "service"]).optional(),
      })
      .catchall(z.unknown())
      .superRefine((input, context) => {
        if (input.route === undefined) return;
        const checked = dialectFields.safeParse(input);
        for (const issue of checked.success ? [] : checked.error.issues) context.addIssue({ code: "custom", path: issue.path, message: issue.message });
      }),
    output: z.object({ request: id }),
    description: "An HTTP request arrived on a route (or, template-style, a path) some sync listens to.",
    syncOnly: true,
  }),
  respond: action({
    // A dialect's request is answered `{ request, status?, body }`; a template-style request's
    // answer is every field but `request` (a `status` field included), with 200, as the template does.
    input: z
      .object({
        request: id,
        status: passedThrough(dialectStatus),
        body: z.unknown().optional(),
      })
      .catchall(z.unknown()),
    output: z.object({ request: id }),
    description: "The answer to a request: for a REST dialect's, a status (200 unless given) and a JSON body; for a template-style one, every field but `request`, with 200.",
    syncOnly: true,
  }),
  _awaitResponse: query({
    input: z.object({ request: id, timeoutMs: z.number().int().min(0).max(600_000).optional() }),
    output: z.object({ status: z.number().int(), body: z.unknown() }),
    description:
      "Hands over the response to a request and forgets the request; with `timeoutMs`, waits that long for one. No row: nobody responded.",
  }),
} satisfies ConceptSchemas;

type Schemas = typeof RequestingSchemas;
type Response = OutputOf<Schemas["_awaitResponse"]>;

interface PendingRequest {
  receivedAtMs: number;
  /** A template-style request (no `route`): its response is the fields `respond` was given. */
  answeredWithFields: boolean;
  response?: Response;
  /** Wakes an `_awaitResponse` waiting for the response. */
  wake?: () => void;
}

/** Requests nobody collected (only possible outside the HTTP bridge) are dropped after this. */
const forgetAfterMs = 5 * 60_000;

/**
 * concept Requesting
 * purpose   let HTTP requests and their responses take part in synchronizations, so that
 *           a REST API is written as syncs rather than route handlers
 * principle a request to a route some sync listens to becomes a `request` action; the syncs
 *           it triggers act on other concepts and finally `respond` with a status and body,
 *           which is what the client receives
 *
 * Its state is in memory, by design: a request lives as long as the HTTP exchange of the
 * process that received it. The durable action log records requests and responses with the
 * flows that changed something, and writes nothing for those that did not (reads, refusals).
 * See Requesting.spec.md.
 */
export class RequestingConcept implements ConceptImplementation<Schemas> {
  static readonly conceptName = "Requesting";
  static readonly schemas = RequestingSchemas;
  static readonly exposeOverHttp = false;
  /** Its requests live as long as this process's HTTP exchanges: nothing to recover after a crash. */
  static readonly ephemeral = true;

  private readonly pending = new Map<string, PendingRequest>();
  private readonly clock: Clock;

  constructor(_db: Db, { clock = systemClock }: ConceptOptions = {}) {
    this.clock = clock;
  }

  /** request (method, route, path, params, query, body, user, principal): (request)
   *  effects  records a new pending request and returns its id */
  async request(input: InputOf<Schemas["request"]>): Promise<{ request: string }> {
    const nowMs = this.clock.now().getTime();
    this.forgetStale(nowMs);
    const request = randomUUID();
    this.pending.set(request, { receivedAtMs: nowMs, answeredWithFields: input.route === undefined });
    return { request };
  }

  /** respond (request, status?, body | ...fields): (request)
   *  requires the request is pending and has no response yet; a dialect request's status,
   *           when given, is an HTTP status (200 to 599)
   *  effects  records the response: for a dialect request, status (200 unless given) and body;
   *           for a template-style request, status 200 and every field but `request` as the
   *           body (`{}` when there are none), as the template answers */
  async respond({ request, ...fields }: InputOf<Schemas["respond"]>): Promise<{ request: string } | ErrorOutput> {
    const pending = this.pending.get(request);
    if (pending === undefined) return { error: "request not found", reason: "not_found" };
    if (pending.response !== undefined) return { error: "request already has a response", reason: "conflict" };
    if (pending.answeredWithFields) {
      pending.response = { status: 200, body: fields };
    } else {
      const status = dialectStatusOrDefault.safeParse(fields.status);
      if (!status.success) return { error: "status: an HTTP status from 200 to 599", reason: "invalid" };
      pending.response = { status: status.data ?? 200, body: fields.body };
    }
    pending.wake?.();
    return { request };
  }

  /** _awaitResponse (request, timeoutMs?): (status, body)
   *  effects  answers the response (waiting up to timeoutMs for one) and forgets the request */
  async _awaitResponse({ request, timeoutMs = 0 }: InputOf<Schemas["_awaitResponse"]>): Promise<Response[]> {
    const pending = this.pending.get(request);
    if (pending !== undefined && pending.response === undefined && timeoutMs > 0) {
      // A sync of a later flow may still respond (the template's requests wait for it).
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        pending.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.pending.delete(request);
    return pending?.response === undefined ? [] : [pending.response];
  }

  private forgetStale(nowMs: number): void {
    // Map iteration follows insertion order, so the stale requests come first.
    for (const [request, { receivedAtMs }] of this.pending) {
      if (nowMs - receivedAtMs < forgetAfterMs) break;
      this.pending.delete(request);
    }
  }
}

export const Requesting = conceptRef(RequestingConcept);
