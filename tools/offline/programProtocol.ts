/**
 * What the preview's parent process and a program child (./programChild.ts) exchange: a request
 * file in, a result file out (JSON). Plain data only.
 */
import type { GraphPermission } from "./simulator/directory";
import type { Registration, SimulatedFailure } from "./simulator/simulatedAzure";
import type { StackFile } from "./stackFile";
import type { ProgramFailureKind } from "./errors";

/**
 * `full`: every registration (the run the report is built from); `credentials`: only what the
 * churn check compares (credentials, `time.Rotating`s, components, applications and service
 * principals), which keeps the parent's memory small for large programs.
 */
export type RunScope = "full" | "credentials";

/** What one child runs. */
export interface ChildRequest {
  /** Absolute project directory. */
  dir: string;
  stack: string;
  scope: RunScope;
  /** The simulated providers' clock, ms since the epoch (see `RunProgramOptions.providerNowMs`). */
  providerNowMs: number;
  /** HMAC key for the fingerprints of secret inputs (hex; never printed). */
  fingerprintKey: string;
  /** Absolute path of a tenant snapshot (`--tenant`). */
  tenantFile?: string;
  /** The deployer's Graph permission, as the parent resolved it (default: the simulation's). */
  graphPermission?: GraphPermission;
  /** Where the child writes its {@link ChildResult}. */
  outFile: string;
}

/** A run that completed. Recorded values hold no secret text (placeholders instead). */
export interface ChildSuccess {
  ok: true;
  stackFile: StackFile;
  registrations: Registration[];
  /** Per URN, per top-level input holding a secret, a keyed fingerprint of the value. */
  secretFingerprints: Record<string, Record<string, string>>;
  /** Per URN, a keyed fingerprint of the simulated provider's whole answer (secrets included). */
  outputFingerprints: Record<string, string>;
  failures: SimulatedFailure[];
  refusalsModelled: boolean;
  notes: string[];
  /** The program's stack outputs (runs of scope `full` only; see `ProgramRun.stackOutputs`). */
  stackOutputs?: Record<string, unknown>;
}

/** A run that failed, with a message for users. */
export interface ChildFailure {
  ok: false;
  kind: ProgramFailureKind;
  message: string;
}

export type ChildResult = ChildSuccess | ChildFailure;
