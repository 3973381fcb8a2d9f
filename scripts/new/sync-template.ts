/**
 * The files `npm run new -- sync <feature> <Name> --route` writes: one typed sync file in
 * src/syncs/<feature>/ and its test. The sync is a working route (a request answered by a
 * sync, declared for /openapi.json) to reshape; its comment shows a sync between concepts.
 */
import { kebab } from "./concept-sync-template.ts";

export function routeSyncFiles(feature: string, name: string): Map<string, string> {
  const file = kebab(name);
  return new Map([
    [`src/syncs/${feature}/${file}.sync.ts`, syncSource(feature, name)],
    [`test/syncs/${feature}.${file}.test.ts`, testSource(feature, name, file)],
  ]);
}

function syncSource(feature: string, name: string): string {
  const path = `/api/${feature}/${kebab(name)}`;
  return `/**
 * ${name}: (say what it does, and why it is one sync).
 *
 * It answers \`GET ${path}\` as a start. A sync between concepts reads the same way, e.g.
 *   when: actions([FocusSession.end, {}, { status: "completed", user, session, endedAt }]),
 *   then: actions([Streak.recordActivity, { user, at: endedAt, session }]),
 * where a misspelt field, a wrong type or a missing required input is a compile error.
 */
import { z } from "zod";
import { Requesting } from "../../concepts/Requesting/RequestingConcept.ts";
import { declareRoutes } from "../../edges/http/route-declarations.ts";
import { actions, type Sync } from "../../engine/index.ts";

/** The route, declared once: the bridge validates with it, /openapi.json and docs/api/ show it. */
const routes = declareRoutes(
  { title: "${feature}", name: "${feature}", description: "(what this feature offers)", refuse: (error) => ({ error }) },
  {
    ${lowerFirst(name)}: {
      route: "GET ${path}",
      summary: "${name}",
      description: "(what a client gets here)",
      identity: "authentication",
      answers: { 200: { description: "The answer", body: z.object({ ok: z.literal(true), user: z.string().nullable() }), example: { ok: true, user: "user-123" } } },
    },
  },
);

export const ${name}: Sync<{ request: string; user: string }> = ({ request, user }) => ({
  when: actions([Requesting.request, { route: routes.${lowerFirst(name)}, user }, { request }]),
  then: actions([Requesting.respond, { request, body: { ok: true, user } }]),
});
`;
}

function testSource(feature: string, name: string, file: string): string {
  return `import { describe, expect, it } from "vitest";
import { asService } from "../http/harness.ts";
import { send, useFocusApp } from "../support/app.ts";

const focus = useFocusApp();

describe("${name} (src/syncs/${feature}/${file}.sync.ts)", () => {
  it("answers GET /api/${feature}/${file} for the user named", async () => {
    const answer = await send(focus.app, "GET", "/api/${feature}/${file}", { headers: { ...asService, "x-user-id": "ada" } });
    expect(answer).toEqual({ status: 200, body: { ok: true, user: "ada" } });
  });
});
`;
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
