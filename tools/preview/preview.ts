/**
 * The offline preview, end to end: run the program at the preview's instant (and, for the churn
 * check, at later instants), each in its own child process, while the policy pack starts; evaluate
 * the pack's policies over the first run and the churn check over all runs; build the report.
 *
 * With `--state`, every run starts from the stack's state (./statePlan.ts): the runs see the
 * state's resources as the last deployment left them, and the report shows the plan of the next
 * `pulumi up` from it; with `--credential-activity` too, `credential-in-use-before-deletion`.
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
  publishSeed,
  seedFromState,
  startRuns,
  toSnapshot,
  detectChurn,
} from "../offline";
import type { ResolvedInstant, StartedRuns } from "../offline";
import { PreviewOptions, resolveGraphPermission } from "./options";
import type { StartedPack } from "./policies";
import type { PreviewReport } from "./report";
import { loadActivity, loadState } from "./statePlan";

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
  // The state and the sign-in report are checked before anything runs: one line when they are bad.
  const state = options.state !== undefined ? loadState(options.state, stackFile) : undefined;
  const activity =
    options.credentialActivity !== undefined ? loadActivity(options.credentialActivity) : undefined;
  const tenant = options.tenant !== undefined ? loadTenantOption(options.tenant) : undefined;
  // --graph-permission, else the tenant file's deployer.graphPermission, else OwnedBy.
  const graphPermission = resolveGraphPermission(options.graphPermission, tenant?.graphPermission);
  const laterMs = options.churnCheck ? CHURN_OFFSETS.map((o) => instant.ms + o.ms) : [];
  // Every run starts from the state: its seed is published for the runs' instants until they end.
  const seeded =
    state !== undefined
      ? seedFromState(state.exported, stackFile.project, stackFile.stack, tenant?.covers)
      : undefined;
  const release = seeded ? publishSeed(seeded.seed, [instant.ms, ...laterMs]) : () => undefined;
  let started: StartedRuns;
  try {
    started = startRuns(
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
  } catch (error) {
    release();
    throw error;
  }
  void Promise.allSettled(started.runs).then(release);
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
    const { IN_USE_POLICY_INFO, withInUse } = await import("./inUsePolicy");
    const { planFromState, withRealIds } = await import("./statePlan");
    const { engineView } = await import("./engineView");
    const { buildReport, stackUrn } = await import("./report");
    const { refreshDefaults, scheduleRefusals } = await import("./stackConfigFacts");

    const [main, ...laterRuns] = started.runs;
    const simulated = await main;
    // What the report shows and the policies judge: the state's own ids where the simulation
    // stood in for them.
    const run = seeded ? withRealIds(simulated, seeded) : simulated;
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
        previewPolicies: [CHURN_POLICY_INFO, ...(activity ? [IN_USE_POLICY_INFO] : [])],
        stack: view.stack ?? false,
      },
    );
    // The churn check compares the runs as simulated (one set of ids).
    const findings = detectChurn(
      toSnapshot(simulated),
      (await Promise.all(laterRuns)).map(toSnapshot),
    );
    const plan =
      state && seeded
        ? planFromState({
            state,
            seeded,
            simulatedRun: simulated,
            run,
            nowMs: instant.ms,
            activity,
            inUseWindow: inUseWindowOf(policy.previewSettings[IN_USE_POLICY_INFO.name]),
          })
        : undefined;
    const judged = withChurn(policy, findings, options.churnCheck, run);
    return buildReport({
      run,
      policy: plan && activity ? withInUse(judged, plan.inUse, activity.file) : judged,
      nowMs: instant.ms,
      nowSource: instant.source,
      churn: { enabled: options.churnCheck, instantsMs: [instant.ms, ...laterMs], findings },
      tenantFile: options.tenant,
      tenantSnapshot: tenant,
      graphPermission,
      // Only for a program whose outputs can name consumers: it parses the configuration again.
      refreshDefaults:
        run.stackOutputs !== undefined ? refreshDefaults(run.stackFile, instant.ms) : undefined,
      plan,
      tenantPolicyRefusals: scheduleRefusals(run.stackFile, tenant, instant.ms),
    });
  } catch (error) {
    started.stop();
    if (pack) await pack.pack.stop();
    else await packStart?.then((p) => p.pack.stop()).catch(() => undefined);
    throw error;
  }
}

/** `inUseWindow` from the config file's entry (validated there as an ISO 8601 duration), if set. */
function inUseWindowOf(settings: Record<string, unknown> | undefined): string | undefined {
  const value = settings?.inUseWindow;
  return typeof value === "string" ? value : undefined;
}

function stackFileOf(options: PreviewOptions): StackFile {
  try {
    return loadStackFile(options.dir, options.stack);
  } catch (error) {
    throw new ProgramFailure("stack-file", messageOf(error));
  }
}
