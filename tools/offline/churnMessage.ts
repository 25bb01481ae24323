/**
 * The churn check's findings (./churn.ts) in words: each change of a replacing input, and the
 * policy-style message with why it matters and the fix. Never contains a secret value.
 */
import { formatInstant } from "../../policy/core";
import type { ChurnFinding, InputChange } from "./churn";
import { CHURN_OFFSETS } from "./churnOffsets";
import { credentialNoun, TIME_ROTATING } from "./replacingInputs";

/** `1 second`, `1 day`, else the offset in seconds. */
export function describeOffset(ms: number): string {
  const known = CHURN_OFFSETS.find((o) => o.ms === ms);
  if (known) return known.label;
  return `${ms / 1000} seconds`;
}

/** One change as text: `endDate "a" → "b"`, `value changed (secret value)`, or the Rotating's. */
export function describeChange(change: InputChange): string {
  if (change.via) {
    return (
      `${change.input} depends on ${TIME_ROTATING} ${JSON.stringify(change.via.rotating)}, ` +
      `whose input ${describeChange(change.via.change)}: that Rotating is replaced at every deployment, and this credential with it`
    );
  }
  if (change.secret) {
    const from = change.upstream
      ? `: it comes from ${change.upstream.type} ${JSON.stringify(change.upstream.name)}, whose input ${describeChange(change.upstream.change)}`
      : "";
    return `${change.input} changed (secret value)${from}`;
  }
  return `${change.input} ${change.before ?? "(not set)"} → ${change.after ?? "(not set)"}`;
}

/**
 * The finding as a policy-style message (several lines): what changes, why it matters, the fix.
 * Never contains a secret value.
 */
export function churnMessage(finding: ChurnFinding): string {
  const apart = describeOffset(finding.laterMs - finding.baseMs);
  const runs = `runs at ${formatInstant(finding.baseMs)} and ${formatInstant(finding.laterMs)}`;
  const noun = credentialNoun(finding.type);
  let what: string;
  let fix: string;
  if (finding.kind === "stored") {
    const stored = finding.changes.map(
      (c) => `${c.input} as ${c.after} (whole seconds, UTC), not as declared (${c.before})`,
    );
    what = `The provider stores ${stored.join(", and ")}: every deployment sees a difference.`;
    fix = "Fix: declare dates as whole-second RFC 3339 instants in UTC, e.g. 2027-01-01T00:00:00Z.";
  } else {
    what =
      finding.kind === "renamed"
        ? `This ${noun} is not declared again ${apart} later: ${(finding.renamedTo ?? []).map((u) => JSON.stringify(u.split("::").pop())).join(", ")} is declared instead (${runs}), so its name comes from the clock.`
        : `Its replacing inputs change between two deployments ${apart} apart with no scheduled rotation in between (${runs}): ` +
          `${finding.changes.map(describeChange).join("; ")}.`;
    fix =
      "Fix: a fixed end date per rotation window (anchor + (generation + slots)·period + grace, as app-credentials computes it), " +
      "or the rotationRfc3339 of a time.Rotating; never a value computed from the clock at every run.";
  }
  return [
    what,
    `Every input of ${finding.type} forces replacement, so each \`pulumi up\` creates a new ${noun} and deletes this one at the end of the run; consumers still holding the previous secret fail until they re-read it.`,
    fix,
  ].join("\n");
}
