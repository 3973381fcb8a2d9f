// eslint-disable-next-line @typescript-eslint/ban-ts-comment -- on purpose: a type imported without `type`, as Deno allows and Node does not (utils.test.ts)
// @ts-nocheck
import { Shape } from "./shapes.ts";

export default class BrokenConcept {
  async make({ sides }: Shape) {
    return { sides };
  }
}
