/**
 * `Sync` as `@engine` types it: a function of untyped variables declaring `{ when, where?, then }`,
 * whose where-clause receives the template's frames (frames.ts), so course code that queries
 * with any function, or reads `frames[0][user]`, compiles as it did under the template.
 */
import type { Frame, Frames } from "../frames.ts";
import type { ActionList } from "../patterns.ts";
import type { UntypedVars } from "../vars.ts";
import type { TemplateFrames } from "./frames.ts";

export interface TemplateSyncDeclaration {
  readonly when: ActionList;
  where?(frames: TemplateFrames): Frames | readonly Frame[] | Promise<Frames | readonly Frame[]>;
  readonly then: ActionList;
}

export type TemplateSync = (vars: UntypedVars) => TemplateSyncDeclaration;

/**
 * The name the template gives a sync found on disk: the file's path below the syncs folder,
 * without `.sync.ts`, dots for slashes, then the export (`auth/session.sync.ts` exporting
 * `Login` is `auth.session.Login`). Two files may then export the same name, as in the template.
 */
export function templateSyncName(fileBelowSyncs: string, exportName: string): string {
  return `${fileBelowSyncs.replace(/\.sync\.ts$/, "").split(/[\\/]/).join(".")}.${exportName}`;
}
