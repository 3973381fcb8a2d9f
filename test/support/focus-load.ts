/**
 * Mixed client load against running API servers, as the reliability tests apply it: whole
 * lifecycles (start, pause, resume, end completed), abandoned sessions, statistics queries
 * and the REST dialects' read routes (whatever `GET` routes without path parameters the
 * server's OpenAPI document lists). It counts statuses, and remembers every completion the
 * server acknowledged, so that the invariants can demand each one is counted.
 */

export const loadApiKey = "reliability-test-key";

export interface LoadTally {
  requests: number;
  /** Status code -> how many responses had it. */
  statuses: Map<number, number>;
  /** Requests that got no response (connection refused or reset: the server was down). */
  networkErrors: number;
  lifecycles: number;
  /** Sessions whose `end` as completed was answered 200. */
  acknowledgedCompletions: Set<string>;
  /** A few 5xx responses, for the failure message. */
  serverErrors: string[];
}

export function newTally(): LoadTally {
  return { requests: 0, statuses: new Map(), networkErrors: 0, lifecycles: 0, acknowledgedCompletions: new Set(), serverErrors: [] };
}

export function serverErrorCount(tally: LoadTally): number {
  return [...tally.statuses].filter(([status]) => status >= 500).reduce((sum, [, count]) => sum + count, 0);
}

/** One request as a client saw it, with the moments it was sent and answered (Date.now()). */
export interface TimedAnswer {
  method: string;
  path: string;
  /** undefined when no answer came (connection refused or reset, or the client's 15 s timeout). */
  status: number | undefined;
  sentAt: number;
  answeredAt: number;
  /** The start of the answer's body (or the network error), for failure messages. */
  text: string;
}

/** A client of one server (its base URL can change, e.g. after a restart on another port). */
export class FocusClient {
  /** `observe`, when given, sees every request with its timing (e.g. to judge when 5xx happened). */
  constructor(
    public baseUrl: string,
    private readonly tally: LoadTally,
    private readonly observe?: (answer: TimedAnswer) => void,
  ) {}

  /** POSTs a concept operation; resolves with status and JSON, or undefined when the server is unreachable. */
  async concept(path: string, body: object): Promise<{ status: number; body: unknown } | undefined> {
    return this.send(`/api/${path}`, { method: "POST", body: JSON.stringify(body) });
  }

  async get(pathAndQuery: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown } | undefined> {
    return this.send(pathAndQuery, { method: "GET", headers });
  }

  private async send(path: string, init: RequestInit): Promise<{ status: number; body: unknown } | undefined> {
    this.tally.requests += 1;
    const method = init.method ?? "GET";
    const sentAt = Date.now();
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        ...init,
        headers: { "content-type": "application/json", "x-api-key": loadApiKey, ...(init.headers as Record<string, string>) },
        signal: AbortSignal.timeout(15_000),
      });
      text = await response.text();
    } catch (error) {
      this.tally.networkErrors += 1;
      this.observe?.({ method, path, status: undefined, sentAt, answeredAt: Date.now(), text: String(error) });
      return undefined;
    }
    this.observe?.({ method, path, status: response.status, sentAt, answeredAt: Date.now(), text: text.slice(0, 300) });
    this.tally.statuses.set(response.status, (this.tally.statuses.get(response.status) ?? 0) + 1);
    if (response.status >= 500 && this.tally.serverErrors.length < 5) this.tally.serverErrors.push(`${method} ${path} -> ${response.status} ${text.slice(0, 300)}`);
    return { status: response.status, body: text === "" ? undefined : parseJson(text) };
  }

  /** start, pause, resume, end(completed) with a client-reported length; true when all four succeeded. */
  async lifecycle(user: string, elapsedMs: number): Promise<boolean> {
    const session = await this.start(user);
    if (session === undefined) return false;
    if ((await this.concept("FocusSession/pause", { session, elapsedMs: Math.floor(elapsedMs / 2) }))?.status !== 200) return false;
    if ((await this.concept("FocusSession/resume", { session }))?.status !== 200) return false;
    const ended = await this.concept("FocusSession/end", { session, status: "completed", elapsedMs });
    if (ended?.status !== 200) return false;
    this.tally.acknowledgedCompletions.add(session);
    this.tally.lifecycles += 1;
    return true;
  }

  /** A session started and given up: it must count nowhere. */
  async abandoned(user: string): Promise<void> {
    const session = await this.start(user);
    if (session !== undefined) await this.concept("FocusSession/end", { session, status: "abandoned", elapsedMs: 60_000 });
  }

  /** The statistics a dashboard reads. */
  async queries(user: string): Promise<void> {
    await Promise.all([
      this.concept("FocusStats/_viewStats", { user }),
      this.concept("FocusStats/_getTotals", { user }),
      this.concept("Streak/_getStreak", { user }),
      this.concept("Badge/_getUserBadges", { user }),
      this.concept("FocusSession/_listSessions", { user, limit: 10 }),
    ]);
  }

  /** Every dialect read route, for this user (by query string and by x-user-id header). */
  async dialectReads(user: string, routes: readonly string[]): Promise<void> {
    await Promise.all(routes.map((route) => this.get(`${route}?userId=${encodeURIComponent(user)}&limit=5`, { "x-user-id": user })));
  }

  /** Starts a session, first ending whatever running session a crash left behind. */
  private async start(user: string): Promise<string | undefined> {
    const started = await this.concept("FocusSession/start", { user });
    if (started?.status === 200) return (started.body as { session: string }).session;
    if (started?.status !== 409) return undefined;
    const running = await this.concept("FocusSession/_getRunning", { user });
    const [left] = (running?.body ?? []) as { session: string }[];
    if (left !== undefined) await this.concept("FocusSession/end", { session: left.session, status: "abandoned" });
    return undefined;
  }
}

/** The JSON of a body, or the text itself when it is not JSON (a proxy's or a crashed handler's plain-text 5xx). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The REST dialects' GET routes without path parameters, from the server's OpenAPI document. */
export async function dialectReadRoutes(baseUrl: string): Promise<string[]> {
  const response = await fetch(`${baseUrl}/openapi.json`);
  const document = (await response.json()) as { paths: Record<string, Record<string, unknown>> };
  const publicRoutes = new Set(["/health", "/openapi.json", "/docs"]);
  return Object.entries(document.paths)
    .filter(([path, methods]) => "get" in methods && !path.includes("{") && !publicRoutes.has(path))
    .map(([path]) => path)
    .filter((path) => !/^\/api\/[A-Z]/.test(path)); // concept routes are POST-only; these are the dialects
}

export interface MixedLoadOptions {
  client: FocusClient;
  /** Users this worker acts for (one worker per user set keeps one session per user at a time). */
  users: readonly string[];
  dialectRoutes: readonly string[];
  /** Keep going while this returns true. */
  running: () => boolean;
}

/** One worker's loop: mostly lifecycles, with queries, dialect reads and abandoned sessions mixed in. */
export async function mixedLoad({ client, users, dialectRoutes, running }: MixedLoadOptions): Promise<void> {
  let step = 0;
  while (running()) {
    const user = users[step % users.length]!;
    const kind = step % 10;
    step += 1;
    if (kind === 9) await client.abandoned(user);
    else if (kind === 4) await client.queries(user);
    else if (kind === 7) await client.dialectReads(user, dialectRoutes);
    else await client.lifecycle(user, 60_000 * (1 + (step % 90)));
  }
}
