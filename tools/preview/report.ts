/**
 * The preview's result as one plain-data document: what `--json` prints and what the terminal
 * renderer draws.
 */
import { formatInstant } from "../../policy/lib/iso8601";
import type { Registration } from "../simulator/simulatedAzure";
import { CredentialRow, credentialRows, SecretRow, secretRows } from "./credentials";
import type { PolicyResult } from "./policies";
import type { ProgramRun } from "./runProgram";

/** Exit codes of `npm start`. */
export const EXIT = {
  /** No mandatory policy violation. */
  ok: 0,
  /** At least one mandatory policy violation. */
  mandatoryViolations: 1,
  /** The program, its stack file, its configuration or the command line failed. */
  failed: 2,
} as const;

/** One resource of the tree, as `pulumi preview` lists it (every one is a `create` offline). */
export interface ResourceNode {
  urn: string;
  type: string;
  name: string;
  /** URN of the parent; absent only for the stack resource. */
  parent?: string;
  /** False for component resources and the stack. */
  custom: boolean;
}

/** The whole preview. Instants are RFC 3339, UTC. */
export interface PreviewReport {
  project: string;
  stack: string;
  /** Absolute project directory. */
  dir: string;
  /** The instant the preview evaluated at. */
  now: string;
  /** True when `--now` set it (the clock was faked). */
  nowFromOption: boolean;
  /** The stack resource first, then every registration in registration order. */
  resources: ResourceNode[];
  credentials: CredentialRow[];
  secrets: SecretRow[];
  policy: PolicyResult;
  summary: {
    /** Resources including the stack resource. */
    resources: number;
    customResources: number;
    components: number;
    credentials: number;
    /** Credentials a Key Vault secret holds. */
    credentialsInKeyVault: number;
    secrets: number;
    /** Diagnostics per enforcement level. */
    violations: Record<string, number>;
    exitCode: number;
  };
  notes: string[];
  /** What an offline preview cannot know. */
  offlineLimits: string[];
}

/** The failure document `--json` prints for exit code 2. */
export interface FailureReport {
  error: { kind: string; message: string };
  summary: { exitCode: number };
}

/** Facts an offline preview cannot establish; printed in the footer of every preview. */
export const OFFLINE_LIMITS = [
  "permissions: whether the deploying identity may create app registrations and add passwords (Microsoft Graph Application.ReadWrite.All, or ownership of each application / service principal), and may write Key Vault secrets (Azure RBAC on the vault)",
  "name clashes in Azure: Key Vault names are globally unique, and a soft-deleted vault or secret with the same name blocks creation",
  "real service limits and tenant policy: Entra ID app management policies (for example a shorter passwordLifetime), quotas and throttling",
  "real values: object ids, client ids, key ids, vault URIs and secret values are simulated; existing applications and service principals are not looked up",
];

/** Name of the stack resource the engine creates: `<project>-<stack>`. */
export function stackUrn(project: string, stack: string): string {
  return `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
}

/**
 * Builds the report.
 * @param nowMs the instant evaluated, ms since the epoch
 */
export function buildReport(
  run: ProgramRun,
  policy: PolicyResult,
  nowMs: number,
  nowFromOption: boolean,
): PreviewReport {
  const { project, stack, dir } = run.stackFile;
  const root = stackUrn(project, stack);
  const resources: ResourceNode[] = [
    { urn: root, type: "pulumi:pulumi:Stack", name: `${project}-${stack}`, custom: false },
    ...run.registrations.map((r: Registration) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      parent: r.parent ?? root,
      custom: r.custom,
    })),
  ];
  const credentials = credentialRows(run.registrations);
  const secrets = secretRows(run.registrations, nowMs);
  const violations: Record<string, number> = { mandatory: 0, advisory: 0 };
  for (const d of policy.diagnostics)
    violations[d.enforcementLevel] = (violations[d.enforcementLevel] ?? 0) + 1;
  const notes = [...run.notes];
  if (credentials.some((c) => c.generation !== undefined)) {
    notes.push(
      "changing a rotation period or anchor changes every generation: all slots of the affected apps rotate at once on the next deployment",
    );
  }
  if (nowFromOption)
    notes.push(`evaluated as of ${formatInstant(nowMs)} (--now), not the current time`);
  return {
    project,
    stack,
    dir,
    now: formatInstant(nowMs),
    nowFromOption,
    resources,
    credentials,
    secrets,
    policy,
    summary: {
      resources: resources.length,
      customResources: resources.filter((r) => r.custom).length,
      components: resources.filter((r) => !r.custom).length,
      credentials: credentials.length,
      credentialsInKeyVault: credentials.filter((c) => c.keyVaultSecrets.length > 0).length,
      secrets: secrets.length,
      violations,
      exitCode: violations.mandatory > 0 ? EXIT.mandatoryViolations : EXIT.ok,
    },
    notes,
    offlineLimits: OFFLINE_LIMITS,
  };
}
