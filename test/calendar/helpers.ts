/** Shared set-up of the calendar tests: stacks read the way the CLI reads them. */
import * as path from "path";
import { Duration } from "luxon";
import {
  AppConfig,
  ConsumerConfig,
  parseStackConfig,
  rawConfigFromValues,
} from "../../components/config";
import type { ConsumerKind } from "../../policy/core";
import { loadStackFile } from "../../tools/offline/stackFile";

/** The repository root (holds Pulumi.yaml and Pulumi.dev.yaml). */
export const ROOT = path.resolve(__dirname, "../..");
/**
 * A project with the `grace` (known anchors), `consumers` (known anchors, consumers of every kind)
 * and `bad` (invalid period) stacks.
 */
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

/**
 * A consumer built directly, bypassing the configuration's overlap check (which refuses slow
 * consumers): for simulations of what that check prevents.
 */
export function consumer(
  name: string,
  refresh: string,
  kind: ConsumerKind = "custom",
): ConsumerConfig {
  const refreshDuration = Duration.fromISO(refresh);
  if (!refreshDuration.isValid) throw new Error(`bad test refresh ${refresh}`);
  return {
    name,
    kind,
    principalId: "aaaaaaaa-0000-4000-8000-0000000000ff",
    refresh,
    refreshDuration,
    refreshIsDefault: false,
    identity: undefined,
  };
}

/** `app` with exactly these consumers (constructed directly: see {@link consumer}). */
export function withConsumers(app: AppConfig, ...consumers: ConsumerConfig[]): AppConfig {
  return { ...app, consumers };
}
