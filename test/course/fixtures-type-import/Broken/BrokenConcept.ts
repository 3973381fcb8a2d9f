// eslint-disable-next-line @typescript-eslint/ban-ts-comment -- on purpose: a type imported without `type`, as Deno allows (utils.test.ts: it loads here too)
// @ts-nocheck
import { Shape } from "./shapes.ts";

export default class BrokenConcept {
  async make({ sides }: Shape) {
    return { sides };
  }
}
