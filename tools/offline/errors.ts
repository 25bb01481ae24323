/** Failures the offline preview reports with exit code 2: a message for users, no stack trace. */

/**
 * Where a run failed: the command line, the project or stack file, the configuration (stack or
 * policy pack), the program (it threw, never finished within `--timeout`, or never settled its
 * registrations), the tenant snapshot, or the policy pack (it did not start).
 */
export type ProgramFailureKind =
  | "usage"
  | "stack-file"
  | "config"
  | "program"
  | "timeout"
  | "never-settled"
  | "tenant"
  | "policy-pack";

/** The program or its configuration failed. The message is meant for users: no stack trace. */
export class ProgramFailure extends Error {
  constructor(
    readonly kind: ProgramFailureKind,
    message: string,
  ) {
    super(message);
    this.name = "ProgramFailure";
  }
}

/** An error's message without its stack trace. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
