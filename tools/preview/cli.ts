/**
 * `npm start`: offline preview of a Pulumi stack with the policy pack's verdicts, without the
 * Pulumi CLI and without an Azure account.
 *
 *   npm start -- [--stack dev] [--dir .] [--now 2027-01-01T00:00:00Z]
 *                [--policy-pack-config policy-config.json] [--policy-pack DIR] [--tenant FILE]
 *                [--graph-permission Application.ReadWrite.All|Application.ReadWrite.OwnedBy]
 *                [--state state.json [--credential-activity activity.json]]
 *                [--no-churn-check] [--timeout PT15M] [--json]
 *
 * `--state`: the JSON of `pulumi stack export`; the preview is then the plan of the next `pulumi
 * up` from that state, with the real key ids. `--credential-activity`: Microsoft Graph's beta
 * sign-in report per credential; a credential that plan deletes which signed in within PT24H is
 * `credential-in-use-before-deletion` (mandatory). Both: ./statePlan.ts.
 *
 * Exit codes: 0 no mandatory violation, 1 mandatory violations, 2 the program, its configuration,
 * the command line (an unreadable or malformed --state or --credential-activity file included) or
 * the policy pack failed, or the simulated Azure refused a step (a message naming the problem,
 * never a stack trace). Options, the churn check and what an offline preview
 * cannot know: tools/preview/README.md. SIGINT, SIGTERM and SIGHUP stop the program runs and the
 * policy pack, remove the temporary files and exit with 130, 143 and 129.
 */
import {
  neutraliseLines,
  stopOnSignals,
  InstantError,
  resolveInstant,
  ResolvedInstant,
  messageOf,
  ProgramFailure,
} from "../offline";
import { CommanderError } from "commander";
import { parseArguments, PreviewOptions } from "./options";
import { renderJson, renderText } from "./render";
import { EXIT, FailureReport } from "./report";

/** Where the CLI reads the time and the environment and writes its output (tests pass their own). */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  /** Errors, and the program's own console output. */
  stderr: NodeJS.WritableStream;
  /** The environment (`APP_CREDENTIALS_NOW`). */
  env: NodeJS.ProcessEnv;
  /** The current time, ms since the epoch. */
  clockMs: number;
}

/**
 * Runs the preview and writes it to stdout (the programs' own console output goes to stderr).
 *
 * @param io defaults: the process's streams and environment, `Date.now()`
 * @returns the exit code
 */
export async function main(argv: string[], io: Partial<CliIo> = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const json = argv.includes("--json");
  const fail = async (kind: string, message: string): Promise<number> => {
    if (json) {
      await write(stdout, renderJson({ ...usageFailure(message), error: { kind, message } }));
    } else {
      await write(stderr, `error: ${neutraliseLines(message)}\n`);
    }
    return EXIT.failed;
  };
  let options: PreviewOptions;
  let instant: ResolvedInstant;
  try {
    options = parseArguments(argv, {
      out: (text) => stdout.write(text),
      err: (text) => stderr.write(text),
    });
    instant = resolveInstant(options.now, "--now", io.env ?? process.env, io.clockMs ?? Date.now());
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version") {
        return EXIT.ok;
      }
      // Commander has printed the error on stderr; with --json, stdout still gets a document.
      if (json) await write(stdout, renderJson(usageFailure(error.message)));
      return EXIT.failed;
    }
    if (error instanceof ProgramFailure || error instanceof InstantError) {
      return fail("usage", error.message);
    }
    throw error;
  }
  try {
    // Loaded only now: the analyzer harness and gRPC take a moment, not worth it for a usage error.
    const { preview } = await import("./preview");
    const report = await preview(options, instant, (chunk) => stderr.write(chunk));
    await write(stdout, options.json ? renderJson(report) : renderText(report));
    return report.summary.exitCode;
  } catch (error) {
    if (error instanceof ProgramFailure) return fail(error.kind, error.message);
    return fail("internal", `offline preview failed: ${messageOf(error)}`);
  }
}

/** The `--json` document of a failure without report. */
function usageFailure(message: string): FailureReport {
  return {
    error: { kind: "usage", message: message.replace(/^error: /, "") },
    summary: { exitCode: EXIT.failed },
  };
}

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve) => stream.write(text, () => resolve()));
}

if (require.main === module) {
  // SIGINT, SIGTERM, SIGHUP: every program run and the policy pack stopped, temporary files
  // removed, exit 130, 143, 129.
  stopOnSignals("preview");
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`error: ${neutraliseLines(messageOf(error))}\n`);
      process.exit(EXIT.failed);
    },
  );
}
