/**
 * The two sets of compiler options `npm run typecheck` checks with: the project's own
 * (tsconfig.json, strict and then some), and the 6.1040 template's, which is what `deno check`
 * applies to a course backend (Deno's defaults: strict, but no `noUncheckedIndexedAccess`, no
 * `verbatimModuleSyntax`, and a catch variable typed `any`). Ported code is held to the second,
 * so it type-checks here exactly when it type-checked under the template.
 */
import ts from "typescript";

export interface ProjectConfig {
  options: ts.CompilerOptions;
  fileNames: string[];
  /** Problems in tsconfig.json itself. */
  errors: readonly ts.Diagnostic[];
}

/**
 * tsconfig.json's options, plus `verbatimModuleSyntax`: the project's own code imports types
 * with `import type`. tsconfig.json leaves it out only because tsx and vitest read it too, and
 * would then keep a ported file's type-only imports at run time.
 */
export function readProjectConfig(tsconfigPath: string): ProjectConfig {
  const parsed = ts.getParsedCommandLineOfConfigFile(tsconfigPath, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
    },
  });
  if (parsed === undefined) throw new Error(`cannot read ${tsconfigPath}`);
  return { options: { ...parsed.options, verbatimModuleSyntax: true }, fileNames: parsed.fileNames, errors: parsed.errors };
}

/**
 * The project's options loosened to Deno's defaults where Deno is looser (never tightened:
 * an option Deno sets that would report more, such as `allowUnreachableCode: false`, is left
 * as the project has it, so nothing is reported that the template would not report).
 */
export function templateOptions(project: ts.CompilerOptions): ts.CompilerOptions {
  return {
    ...project,
    noUncheckedIndexedAccess: false,
    verbatimModuleSyntax: false,
    // Deno keeps `catch (e)` typed `any` under strict (denoland/deno#11826, declined).
    useUnknownInCatchVariables: false,
    noImplicitOverride: false,
    noFallthroughCasesInSwitch: false,
    noImplicitReturns: false,
    noUnusedLocals: false,
    noUnusedParameters: false,
    exactOptionalPropertyTypes: false,
    noPropertyAccessFromIndexSignature: false,
  };
}
