/**
 * The offline preview, end to end: run the program at the preview's instant (and, for the churn
 * check, at later instants), each in its own child process, while the policy pack starts; evaluate
 * the pack's policies over the first run and the churn check over all runs; build the report.
 *
 * The runs start first: the modules that evaluate and report load while the programs run.
 */
import {
  GRAPH_PERMISSIONS,
  loadTenantOption,
  loadStackFile,
  StackFile,
  CHURN_OFFSETS,
  messageOf,
  ProgramFailure,
  startRuns,
  toSnapshot,
  detectChurn,
} from "../offline";
import type { ResolvedInstant } from "../offline";
import { PreviewOptions, resolveGraphPermission } from "./options";
import type { StartedPack } from "./policies";
import type { PreviewReport } from "./report";

/**
 * Runs the preview.
 *
 * @param instant the instant to evaluate at and where it came from (see `resolveInstant`)
 * @param programOutput receives the program's own console output (its first run's; default:
 *   this process's stderr)
 * @throws ProgramFailure for every failure that leaves no report (stack file, config, program,
 *   timeout, tenant snapshot, policy pack): the message is for users
 */
export async function preview(
  options: PreviewOptions,
  instant: ResolvedInstant,
  programOutput: (chunk: Buffer) => void = (chunk) => process.stderr.write(chunk),
): Promise<PreviewReport> {
  const stackFile = stackFileOf(options);
  const tenant = options.tenant !== undefined ? loadTenantOption(options.tenant) : undefined;
  // --graph-permission, else the tenant file's deployer.graphPermission, else OwnedBy.
  const graphPermission = resolveGraphPermission(options.graphPermission, tenant?.graphPermission);
  const laterMs = options.churnCheck ? CHURN_OFFSETS.map((o) => instant.ms + o.ms) : [];
  const started = startRuns(
    [
      { nowMs: instant.ms, scope: "full", output: programOutput },
      ...laterMs.map((ms) => ({
        nowMs: ms,
        providerNowMs: instant.ms,
        scope: "credentials" as const,
        output: "discard" as const,
        priority: "low" as const,
      })),
    ],
    {
      dir: stackFile.dir,
      project: stackFile.project,
      stack: stackFile.stack,
      timeoutMs: options.timeoutMs,
      tenantFile: options.tenant,
      graphPermission: GRAPH_PERMISSIONS[graphPermission.permission],
    },
  );
  let pack: StartedPack | undefined;
  let packStart: Promise<StartedPack> | undefined;
  try {
    const { evaluatePolicies, startPack } = await import("./policies");
    packStart = startPack({
      project: stackFile.project,
      stack: stackFile.stack,
      config: stackFile.config,
      packDir: options.policyPack,
      nowMs: instant.source === "clock" ? undefined : instant.ms,
    });
    packStart.catch(() => undefined);
    const { CHURN_POLICY_INFO, withChurn } = await import("./churnPolicy");
    const { engineView } = await import("./engineView");
    const { buildReport, stackUrn } = await import("./report");
    const { refreshDefaults } = await import("./consumerDefaults");

    const [main, ...laterRuns] = started.runs;
    const run = await main;
    pack = await packStart;
    // The verdicts of `pulumi preview --policy-pack`: refused steps never hide a resource from
    // the policies, except where the engine itself stops (a plan-time refusal).
    const view = engineView(run.registrations, run.failures);
    const evaluating = pack;
    pack = undefined; // evaluatePolicies stops it, whatever happens
    const policy = await evaluatePolicies(
      evaluating,
      view.analysed,
      stackUrn(run.stackFile.project, run.stackFile.stack),
      run.stackFile.project,
      run.stackFile.stack,
      {
        configFile: options.policyPackConfig,
        previewPolicies: [CHURN_POLICY_INFO],
        stack: view.stack ?? false,
      },
    );
    const findings = detectChurn(toSnapshot(run), (await Promise.all(laterRuns)).map(toSnapshot));
    return buildReport({
      run,
      policy: withChurn(policy, findings, options.churnCheck, run),
      nowMs: instant.ms,
      nowSource: instant.source,
      churn: { enabled: options.churnCheck, instantsMs: [instant.ms, ...laterMs], findings },
      tenantFile: options.tenant,
      tenantSnapshot: tenant,
      graphPermission,
      // Only for a program whose outputs can name consumers: it parses the configuration again.
      refreshDefaults:
        run.stackOutputs !== undefined ? refreshDefaults(run.stackFile, instant.ms) : undefined,
    });
  } catch (error) {
    started.stop();
    if (pack) await pack.pack.stop();
    else await packStart?.then((p) => p.pack.stop()).catch(() => undefined);
    throw error;
  }
}

function stackFileOf(options: PreviewOptions): StackFile {
  try {
    return loadStackFile(options.dir, options.stack);
  } catch (error) {
    throw new ProgramFailure("stack-file", messageOf(error));
  }
}
