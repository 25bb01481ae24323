/** The offline preview's report input, built by hand for tests of the report and its renderer. */
import type { PolicyResult } from "../../tools/preview/policies";
import type { ReportInput } from "../../tools/preview/report";
import type { Registration, SimulatedFailure } from "../../tools/offline";

/** A report input for the stack `dev` of project `p` in `/p`; `extra` overrides any field. */
export function reportInput(
  run: { registrations: Registration[]; failures?: SimulatedFailure[]; notes?: string[] },
  policy: PolicyResult,
  nowMs: number,
  extra: Partial<ReportInput> = {},
): ReportInput {
  return {
    run: {
      stackFile: {
        dir: "/p",
        project: "p",
        main: "/p/index.ts",
        tsconfig: "/p/tsconfig.json",
        stack: "dev",
        config: {},
        secureKeys: [],
      },
      registrations: run.registrations,
      failures: run.failures ?? [],
      refusalsModelled: true,
      notes: run.notes ?? [],
    },
    policy,
    nowMs,
    nowSource: "clock",
    churn: { enabled: true, instantsMs: [nowMs, nowMs + 1000, nowMs + 86_400_000], findings: [] },
    ...extra,
  };
}
