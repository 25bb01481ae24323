/**
 * The calendar's check of the stack's program itself: the rotation model (./simulate.ts) says
 * what the components should declare, but only running the program shows what it does declare.
 * The program runs at the first deployment and again one second and one day later (the offline
 * preview's runner and churn check, tools/preview); a credential whose replacing inputs change
 * without a scheduled rotation breaks invariant 5 (no rotation between two deployments inside one
 * window).
 */
import { formatInstant } from "../../policy/core";
import {
  ChurnFinding,
  detectChurn,
  churnMessage,
  CHURN_OFFSETS,
  startRuns,
  toSnapshot,
  appOf,
} from "../offline";
import type { Registration, StackFile } from "../offline";
import type { Violation } from "./simulate";

/** Options of {@link checkProgram}. */
export interface ProgramCheckOptions {
  /** The first deployment, ms since the epoch. */
  fromMs: number;
  /** Bound on each program run, ms (default: the preview's). */
  timeoutMs?: number;
}

/** What running the program found. */
export interface ProgramCheck {
  /** The instants the program ran at, ms since the epoch. */
  instantsMs: number[];
  /** Invariant 5 violations, one per churning credential, in registration order. */
  violations: Violation[];
}

/**
 * Runs the stack's program at `fromMs` and at the churn check's later instants, each in its own
 * child process, and reports every credential replaced at every deployment.
 *
 * @throws ProgramFailure when the program fails or does not finish within the timeout
 */
export async function checkProgram(
  stackFile: StackFile,
  options: ProgramCheckOptions,
): Promise<ProgramCheck> {
  const instantsMs = [options.fromMs, ...CHURN_OFFSETS.map((o) => options.fromMs + o.ms)];
  const started = startRuns(
    instantsMs.map((nowMs) => ({
      nowMs,
      providerNowMs: options.fromMs,
      scope: "credentials" as const,
      output: "discard" as const,
    })),
    {
      dir: stackFile.dir,
      project: stackFile.project,
      stack: stackFile.stack,
      timeoutMs: options.timeoutMs,
    },
  );
  try {
    const [base, ...later] = await Promise.all(started.runs);
    const findings = detectChurn(toSnapshot(base), later.map(toSnapshot));
    return { instantsMs, violations: churnViolations(findings, base.registrations) };
  } finally {
    started.stop();
  }
}

/**
 * One invariant-5 violation per finding, for the credential's app (see `appOf`), dated at the
 * later run where it differs, naming the credential.
 *
 * @param registrations the first run's registrations (the credentials' parents and owners)
 */
export function churnViolations(
  findings: ChurnFinding[],
  registrations: Registration[],
): Violation[] {
  const byUrn = new Map(registrations.map((r) => [r.urn, r]));
  return findings.map((finding) => {
    const credential = byUrn.get(finding.urn);
    const [what] = churnMessage(finding).split("\n");
    return {
      app: credential ? appOf(credential, byUrn) : finding.name,
      instantMs: finding.laterMs,
      instant: formatInstant(finding.laterMs),
      invariant: 5,
      message: `the program replaces credential ${finding.name} (${finding.type}) at every deployment: ${what}`,
    };
  });
}
