/**
 * `npm start`: offline preview of a Pulumi stack with the policy pack's verdicts, without the
 * Pulumi CLI and without an Azure account.
 *
 *   npm start -- [--stack dev] [--dir .] [--now 2027-01-01T00:00:00Z]
 *                [--policy-pack-config policy-config.json] [--json]
 *
 * Exit codes: 0 no mandatory violation, 1 mandatory violations, 2 the program, its configuration or
 * the command line failed (a message naming the problem, never a stack trace).
 */
import * as path from "path";
import { Command, CommanderError } from "commander";
import { fakeDate, parseNow } from "./clock";
import { messageOf, ProgramFailure } from "./errors";
import { renderJson, renderText } from "./render";
import { buildReport, EXIT, FailureReport, stackUrn } from "./report";

/** Parsed command line. */
export interface PreviewOptions {
  stack: string;
  /** Absolute project directory. */
  dir: string;
  /** RFC 3339 instant to evaluate at. */
  now?: string;
  /** Absolute path of the policy pack config file. */
  policyPackConfig?: string;
  json: boolean;
}

function parseArguments(argv: string[]): PreviewOptions {
  const program = new Command()
    .name("npm start --")
    .description(
      "Offline preview of a Pulumi TypeScript stack with CrossGuard policy verdicts: no Pulumi CLI, no Azure account.",
    )
    .option("--stack <name>", "stack whose Pulumi.<name>.yaml holds the config", "dev")
    .option("--dir <path>", "Pulumi project directory (holds Pulumi.yaml)", ".")
    .option("--now <rfc3339>", "evaluate as of this instant instead of the current time")
    .option("--policy-pack-config <file>", "policy pack configuration JSON, as for pulumi preview")
    .option("--json", "print one JSON document instead of text", false)
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  program.parse(argv, { from: "user" });
  const raw = program.opts<{
    stack: string;
    dir: string;
    now?: string;
    policyPackConfig?: string;
    json: boolean;
  }>();
  return {
    stack: raw.stack,
    dir: path.resolve(raw.dir),
    now: raw.now,
    policyPackConfig: raw.policyPackConfig ? path.resolve(raw.policyPackConfig) : undefined,
    json: raw.json === true,
  };
}

/**
 * Runs the preview and writes it to stdout.
 * @returns the exit code
 */
export async function main(argv: string[]): Promise<number> {
  let options: PreviewOptions;
  try {
    options = parseArguments(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === "commander.helpDisplayed" || error.code === "commander.version"
        ? EXIT.ok
        : EXIT.failed;
    }
    throw error;
  }
  const fail = async (kind: string, message: string): Promise<number> => {
    if (options.json) {
      const failure: FailureReport = {
        error: { kind, message },
        summary: { exitCode: EXIT.failed },
      };
      await write(process.stdout, renderJson(failure));
    } else {
      await write(process.stderr, `error: ${message}\n`);
    }
    return EXIT.failed;
  };

  // Whole seconds, as RFC 3339 instants are usually written.
  let nowMs = Math.floor(Date.now() / 1000) * 1000;
  if (options.now !== undefined) {
    try {
      nowMs = parseNow(options.now);
    } catch (error) {
      return fail("usage", messageOf(error));
    }
    fakeDate(nowMs);
  }
  try {
    // Loaded only now: the Pulumi runtime and gRPC take a second, not worth it for a usage error.
    const { runProgram } = await import("./runProgram");
    const { evaluatePolicies } = await import("./policies");
    // The program's own console output goes to stderr: stdout carries only the preview.
    const restore = consoleToStderr();
    let run;
    try {
      run = await runProgram({ dir: options.dir, stack: options.stack });
    } finally {
      restore();
    }
    const { project, stack, config } = run.stackFile;
    const policy = await evaluatePolicies(run.registrations, stackUrn(project, stack), {
      project,
      stack,
      config,
      configFile: options.policyPackConfig,
      nowMs: options.now === undefined ? undefined : nowMs,
    });
    const report = buildReport(run, policy, nowMs, options.now !== undefined);
    await write(process.stdout, options.json ? renderJson(report) : renderText(report));
    return report.summary.exitCode;
  } catch (error) {
    if (error instanceof ProgramFailure) return fail(error.kind, error.message);
    return fail("internal", `offline preview failed: ${messageOf(error)}`);
  }
}

function consoleToStderr(): () => void {
  const { log, info } = console;
  const toStderr = (...args: unknown[]) => console.error(...args);
  console.log = toStderr;
  console.info = toStderr;
  return () => {
    console.log = log;
    console.info = info;
  };
}

function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve) => stream.write(text, () => resolve()));
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`error: ${messageOf(error)}\n`);
      process.exit(EXIT.failed);
    },
  );
}
