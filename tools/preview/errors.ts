/** Failures the offline preview reports with exit code 2: a message for users, no stack trace. */

/** Where a run failed: the project or stack file, the configuration, or the program. */
export type ProgramFailureKind = "stack-file" | "config" | "program";

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
