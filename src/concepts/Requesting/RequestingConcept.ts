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

const jsonObject = z.record(z.string(), z.unknown());

export const RequestingSchemas = {
  request: action({
    input: z.object({
      method: z.enum(httpMethods),
      route: routeLiteral,
      path: z.string(),
      params: z.record(z.string(), z.string()),
      query: z.record(z.string(), z.string()),
      body: jsonObject,
      user: id.nullable(),
      principal: z.enum(["user", "service"]),
    }),
    output: z.object({ request: id }),
    description: "An HTTP request arrived on a route some sync listens to.",
    syncOnly: true,
  }),
  respond: action({
    input: z.object({
      request: id,
      status: z.number().int().min(200).max(599).optional(),
      body: z.unknown(),
    }),
    output: z.object({ request: id }),
    description: "The answer to a request: a status (200 unless given) and a JSON body.",
    syncOnly: true,
  }),
  _awaitResponse: query({
    input: z.object({ request: id }),
    output: z.object({ status: z.number().int(), body: z.unknown() }),
    description: "Hands over the response to a request (none if no sync responded) and forgets the request.",
  }),
} satisfies ConceptSchemas;

type Schemas = typeof RequestingSchemas;
type Response = OutputOf<Schemas["_awaitResponse"]>;

interface PendingRequest {
  receivedAtMs: number;
  response?: Response;
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
  async request(_input: InputOf<Schemas["request"]>): Promise<{ request: string }> {
    const nowMs = this.clock.now().getTime();
    this.forgetStale(nowMs);
    const request = randomUUID();
    this.pending.set(request, { receivedAtMs: nowMs });
    return { request };
  }

  /** respond (request, status?, body): (request)
   *  requires the request is pending and has no response yet
   *  effects  records the response: status (200 unless given) and body */
  async respond({ request, status = 200, body }: InputOf<Schemas["respond"]>): Promise<{ request: string } | ErrorOutput> {
    const pending = this.pending.get(request);
    if (pending === undefined) return { error: "request not found", reason: "not_found" };
    if (pending.response !== undefined) return { error: "request already has a response", reason: "conflict" };
    pending.response = { status, body };
    return { request };
  }

  /** _awaitResponse (request): (status, body)
   *  effects  answers the response, if any, and forgets the request */
  async _awaitResponse({ request }: InputOf<Schemas["_awaitResponse"]>): Promise<Response[]> {
    const pending = this.pending.get(request);
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
