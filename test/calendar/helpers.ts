/** Shared set-up of the calendar tests: stacks read the way the CLI reads them. */
import * as path from "path";
import { AppConfig, parseStackConfig, rawConfigFromValues } from "../../components/config";
import { loadStackFile } from "../../tools/offline/stackFile";

/** The repository root (holds Pulumi.yaml and Pulumi.dev.yaml). */
export const ROOT = path.resolve(__dirname, "../..");
/** A project with the `grace` (known anchors) and `bad` (invalid period) stacks. */
export const FIXTURE = path.join(__dirname, "fixtures", "project");

/** The apps of a stack, resolved at `nowMs` (ms since the epoch). */
export function stackApps(dir: string, stack: string, nowMs: number): AppConfig[] {
  return parseStackConfig(rawConfigFromValues(loadStackFile(dir, stack).config), nowMs).apps;
}

export const DAY_MS = 86_400_000;

/** RFC 3339 → ms since the epoch (test inputs are always valid). */
export function ms(instant: string): number {
  const value = Date.parse(instant);
  if (Number.isNaN(value)) throw new Error(`bad test instant ${instant}`);
  return value;
}
