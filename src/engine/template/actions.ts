/**
 * `actions` as `@engine` exports it: the same patterns as the project's own `actions`, typed as
 * loosely as the template types them (any reference, any fields), and marked, so the engine
 * runs the sync with the template's semantics (README.md in this folder).
 */
import { actions as projectActions, type ActionList } from "../patterns.ts";

type Fields = Record<string, unknown>;
/** What a template pattern starts with: any reference (`Concept.action`, as `@concepts` exports it). */
type AnyReference = { readonly concept: string; readonly name: string } | ((...args: never[]) => unknown);

export type TemplatePattern = readonly [action: AnyReference, input: Fields, output?: Fields];

export function actions(...patterns: readonly TemplatePattern[]): ActionList {
  const list = (projectActions as (...patterns: readonly unknown[]) => ActionList)(...patterns);
  return { ...list, template: true };
}
