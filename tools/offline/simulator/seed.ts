/**
 * A simulated world's starting point taken from a real stack's state (`npm start -- --state FILE`):
 * what the last deployment left, in the simulation's terms (../stateSeed.ts builds it from
 * ../stackExport.ts), and how a program run finds it.
 *
 * Each program run is a child process of its own (../programRunner.ts) that makes its world
 * without being told more than the project, the stack and the tenant. The preview hands the seed
 * over through the environment: {@link STATE_SEED_VARIABLE} names a private folder (0700, made by
 * the preview) holding one seed file per run instant, `seed-<ms>.json` (0600), and a run whose
 * fixed clock (`PULUMI_TEST_NOW`, set for every program run) names one of them starts from it. A
 * process whose clock is not fixed (the preview itself, tests) never reads a seed this way.
 *
 * A seed holds no secret: the state's secret values are the placeholder `[secret]` before the seed
 * is made.
 */
import * as fs from "fs";
import * as path from "path";
import { FIXED_CLOCK_VARIABLE } from "../analyzer/clockOptions";
import type { ExistingVault } from "./keyVault";
import type { ExistingRoleAssignment } from "./roleAssignments";
import type { ProviderEntry, StateEntry } from "./world";

/** The environment variable naming the folder of seed files (see the module comment). */
export const STATE_SEED_VARIABLE = "APP_CREDENTIALS_STATE_SEED";

/** An application or service principal the stack created, as the directory should know it. */
export interface SeedObject {
  kind: "application" | "servicePrincipal";
  objectId: string;
  /** The application's client id (appId). */
  appId?: string;
  /** Owners' object ids, as the state holds them (the deployer's in the simulation's terms). */
  owners: string[];
  signInAudience?: string;
}

/** What a world starts from. Plain data (JSON). */
export interface WorldSeed {
  project: string;
  stack: string;
  /** The stack's resources after the last deployment (mock-form URNs, the simulation's ids). */
  state: StateEntry[];
  /** Old copies of replaced resources that the next deployment deletes (`delete: true`). */
  pendingDeletes: StateEntry[];
  /** What each provider answered for the custom resources it manages, by simulation key. */
  answers: (ProviderEntry & { key: string })[];
  /** Applications and service principals the stack created (owners known). */
  objects: SeedObject[];
  /** Vaults the stack created. */
  vaults: ExistingVault[];
  /** Key Vault secrets the stack wrote: they exist. */
  secrets: { vault: string; name: string }[];
  /** Role assignments the stack made, with the stack resource (`type::name`) that owns each. */
  roleAssignments: { assignment: ExistingRoleAssignment; owner: string }[];
}

/** The seed file of a run at `instantMs`, in the folder `dir`. */
export function seedFile(dir: string, instantMs: number): string {
  return path.join(dir, `seed-${instantMs}.json`);
}

/**
 * The seed of this program run, when the preview published one for its instant (see the module
 * comment); undefined otherwise, and when the file is not a regular file of this user's.
 *
 * @param env default: this process's environment
 */
export function seedFromEnvironment(env: NodeJS.ProcessEnv = process.env): WorldSeed | undefined {
  const dir = env[STATE_SEED_VARIABLE];
  const now = env[FIXED_CLOCK_VARIABLE];
  if (dir === undefined || dir === "" || now === undefined) return undefined;
  const instantMs = Date.parse(now);
  if (!Number.isFinite(instantMs)) return undefined;
  let fd: number;
  try {
    fd = fs.openSync(seedFile(dir, instantMs), fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const stat = fs.fstatSync(fd);
    const uid = process.getuid?.();
    if (!stat.isFile() || (uid !== undefined && stat.uid !== uid)) return undefined;
    return JSON.parse(fs.readFileSync(fd, "utf8")) as WorldSeed;
  } finally {
    fs.closeSync(fd);
  }
}
