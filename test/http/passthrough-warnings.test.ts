/**
 * The start-up warning for a concept route listed in neither inclusions nor exclusions says
 * who can call it: anyone for an ordinary operation, the service key only for a sync-only
 * action (a user token gets 403 for it before the concept runs).
 */
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { action, query } from "../../src/engine/concept.ts";
import { servedOperations } from "../../src/edges/http/concept-routes.ts";
import { planPassthrough } from "../../src/edges/http/passthrough.ts";

const schemas = {
  add: action({ input: z.object({}), output: z.object({}) }),
  grant: action({ input: z.object({}), output: z.object({}), syncOnly: true }),
  _list: query({ input: z.object({}), output: z.object({}) }),
};

describe("the start-up warning for an unlisted concept route", () => {
  it("says a sync-only action runs for the service key only, and the others for any caller", () => {
    const { warnings } = planPassthrough(servedOperations([{ conceptName: "Goal", schemas }]), { inclusions: {}, exclusions: [] });
    expect(warnings).toEqual([
      expect.stringMatching(/^UNVERIFIED ROUTE: POST \/api\/Goal\/add runs Goal\.add for any caller; /),
      expect.stringMatching(/^UNVERIFIED ROUTE: POST \/api\/Goal\/grant runs Goal\.grant for the service key only \(sync-only: a user token gets 403\); /),
      expect.stringMatching(/^UNVERIFIED ROUTE: POST \/api\/Goal\/_list runs Goal\._list for any caller; /),
    ]);
  });
});
