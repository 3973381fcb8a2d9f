import { describe, expect, it } from "vitest";
import { actions, SyncEngine, type FlowProvenance, type ProvenanceNode, type Sync } from "../../src/engine/index.ts";
import { useTestDatabase } from "../support/database.ts";
import type { ID } from "@utils/types.ts";
import PollConcept from "./fixtures/Poll/PollConcept.ts";
import { Poll } from "./fixtures/poll.syncs.ts";

const database = useTestDatabase();

/** Votes for the owner's first poll each time the owner opens another: a where-clause written as course code writes it. */
const syncs: Record<string, Sync> = {
  VoteForFirstPoll: ({ owner, first }) => ({
    when: actions([Poll.open, { owner }, {}]),
    where: async (frames) => {
      const polls = await Poll._getPollsOf({ owner: frames[0]![owner] as ID });
      return frames.map(($) => ({ ...$, [first]: polls[0]!._id }));
    },
    then: actions([Poll.vote, { poll: first }]),
  }),
};

function records(flow: FlowProvenance): ProvenanceNode[] {
  const all: ProvenanceNode[] = [];
  const walk = (node: ProvenanceNode) => {
    all.push(node);
    node.children.forEach(walk);
  };
  flow.roots.forEach(walk);
  return all;
}

describe("a where-clause calling a query directly", () => {
  it("runs the query and records the call with the actions it planned, in the durable log too", async () => {
    const engine = new SyncEngine({ db: database.db, collectionPrefix: "direct" });
    engine.register([new PollConcept(database.db)]);
    engine.registerSyncs(syncs);
    await engine.start();
    const { output, flow } = await engine.invoke(Poll.open, { owner: "cy", question: "First?" });
    const first = (output as { poll: string }).poll;
    expect(await Poll._getPoll({ poll: first as ID })).toMatchObject([{ votes: 1 }]);
    await engine.stop();

    const provenance = (await engine.provenance(flow)) as FlowProvenance;
    const vote = records(provenance).find((node) => node.record.action === "vote");
    expect(vote?.record.input).toEqual({ poll: first });
    expect(vote?.record.cause?.reads).toEqual([{ query: "Poll._getPollsOf", input: { owner: "cy" }, rows: 1 }]);
  });

  it("records nothing for where-clauses that only use frames.query", async () => {
    const engine = new SyncEngine();
    engine.register([new PollConcept(database.db)]);
    engine.registerSyncs({
      ViaFrames: ({ owner, poll }) => ({
        when: actions([Poll.open, { owner }, {}]),
        where: async (frames) => (await frames.query(Poll._getPollsOf, { owner }, { _id: poll })).filter(() => true),
        then: actions([Poll.vote, { poll }]),
      }),
    });
    const voted = new Promise<unknown>((resolve) => {
      const stop = engine.observeFlows((finished) => {
        stop();
        resolve(finished.records.find((record) => record.action === "vote")?.cause);
      });
    });
    await engine.invoke(Poll.open, { owner: "di", question: "Q?" });
    const ended = await voted;
    expect(ended).toMatchObject({ sync: "ViaFrames" });
    expect((ended as { reads?: unknown }).reads).toBeUndefined();
  });
});
