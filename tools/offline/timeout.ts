/**
 * The bound on one program run (`--timeout`): a program that never finishes must fail the preview
 * (exit 2) rather than pass a CI gate with nothing checked.
 */
import { parseDuration } from "../../policy/core";
import { ProgramFailure } from "./errors";

/**
 * Default bound on one program run: 15 minutes. This repository's program takes about 9 ms per app
 * in simulation (BENCHMARKS.md), so a 10,000-app stack needs a minute or two per run, a few with
 * the churn check's runs sharing two cores.
 */
export const DEFAULT_TIMEOUT_MS = 15 * 60_000;

/**
 * `--timeout`: a positive number of seconds (`90`, `2.5`) or an ISO 8601 duration (`PT15M`).
 *
 * @param option the option to name in the error
 * @returns ms (at most 2^31 − 1, the longest timer Node.js sets)
 * @throws ProgramFailure (kind `usage`) naming the option and the value
 */
export function parseTimeout(text: string, option = "--timeout"): number {
  let ms = Number.NaN;
  if (/^\d+(\.\d+)?$/.test(text.trim())) {
    ms = Number(text) * 1000;
  } else {
    const duration = parseDuration(text);
    if (duration.ok) ms = duration.value.as("milliseconds");
  }
  if (!Number.isFinite(ms) || ms <= 0 || ms > 2 ** 31 - 1) {
    throw new ProgramFailure(
      "usage",
      `${option}: ${JSON.stringify(text)} is not a positive number of seconds or an ISO 8601 duration such as PT15M (at most 24 days)`,
    );
  }
  return ms;
}

/** `15 minutes`, `90 seconds`, `2.5 seconds`. */
export function describeDuration(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) {
    const minutes = ms / 60_000;
    return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  }
  const seconds = ms / 1000;
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}
