/**
 * Child process of the offline preview: runs the program once (./runProgram.ts) and writes what it
 * registered to a result file. `node -r ts-node/register/transpile-only programChild.ts <request>`,
 * started by ./programRunner.ts with its clock fixed at the run's instant.
 *
 * Each run has its own process, hence a fresh module registry, mock runtime and simulated Azure: a
 * second run cannot see state left by the first. The program's own console output goes to this
 * process's stdout and stderr, which the parent forwards or discards.
 *
 * Secret values stay here: inputs holding secrets are recorded as the placeholder, fingerprinted
 * with the parent's key for comparison, and any recorded string that contains a value the
 * simulated providers returned as secret is replaced by the placeholder.
 */
import * as fs from "fs";
import { SECRET_PLACEHOLDER } from "./simulator/simulatedAzure";
import type { Registration } from "./simulator/simulatedAzure";
import { loadTenantOption } from "./simulator/tenant";
import { messageOf, ProgramFailure } from "./errors";
import type { ChildRequest, ChildResult, RunScope } from "./programProtocol";
import { secretOutputsOf, SERVICE_PRINCIPAL } from "../../policy/core";
import { mayCarryCredential, TIME_ROTATING } from "./replacingInputs";
import { runProgram, WireRegistration } from "./runProgram";
import { fingerprint, fingerprintSecrets, SecretScrubber, secretStrings } from "./secrets";

/** Types the churn check reads besides the credentials: schedules and service principals. */
const KEPT_FOR_CHURN = new Set([TIME_ROTATING, SERVICE_PRINCIPAL]);

async function main(requestFile: string): Promise<void> {
  const request = JSON.parse(fs.readFileSync(requestFile, "utf8")) as ChildRequest;
  let written = false;
  const write = (result: ChildResult) => {
    if (written) return;
    written = true;
    fs.writeFileSync(request.outFile, JSON.stringify(result));
  };
  // The event loop emptied while the program still waited: a value that never resolves.
  process.once("beforeExit", () =>
    write({
      ok: false,
      kind: "never-settled",
      message:
        "the program never settled: it (or a resource's input) still waited for a value that never resolves " +
        "when nothing was left to run (a promise or Output that never completes); `pulumi up` would fail the same way",
    }),
  );
  try {
    const tenant = request.tenantFile ? loadTenantOption(request.tenantFile) : undefined;
    const fingerprints: Record<string, Record<string, string>> = {};
    const answers: Record<string, string> = {};
    const scrubber = new SecretScrubber(SECRET_PLACEHOLDER);
    const observe = (wire: WireRegistration) => {
      for (const secret of secretStrings(wire.inputs)) scrubber.add(secret);
      for (const secret of secretStrings(wire.outputs)) scrubber.add(secret);
      // Output properties the providers hold secret (the provider facts table), whether or not
      // the wire marks them.
      for (const key of secretOutputsOf(wire.type)) {
        const value = wire.outputs[key];
        if (typeof value === "string") scrubber.add(value);
      }
      answers[wire.urn] = fingerprint(request.fingerprintKey, wire.outputs);
      if (mayCarryCredential(wire.type)) {
        const found = fingerprintSecrets(request.fingerprintKey, wire.inputs);
        if (Object.keys(found).length > 0) fingerprints[wire.urn] = found;
      }
    };
    const run = await runProgram({
      dir: request.dir,
      stack: request.stack,
      providerNowMs: request.providerNowMs,
      tenant,
      graphPermission: request.graphPermission,
      observe,
    });
    const registrations = scrubber.scrub(inScope(run.registrations, request.scope));
    write({
      ok: true,
      stackFile: run.stackFile,
      registrations,
      secretFingerprints: fingerprints,
      outputFingerprints: Object.fromEntries(
        registrations.map((r) => [r.urn, answers[r.urn] ?? ""]),
      ),
      failures: scrubber.scrub(run.failures),
      refusalsModelled: run.refusalsModelled,
      notes: run.notes,
      ...(request.scope === "full" && run.stackOutputs !== undefined
        ? { stackOutputs: scrubber.scrub(run.stackOutputs) }
        : {}),
    });
  } catch (error) {
    write(
      error instanceof ProgramFailure
        ? { ok: false, kind: error.kind, message: error.message }
        : { ok: false, kind: "program", message: `offline preview failed: ${messageOf(error)}` },
    );
  }
}

/**
 * The registrations a run of `scope` reports: all, or for the churn check the credentials,
 * `time.Rotating`s, components, service principals, and every resource a credential's inputs
 * depend on, transitively (to tell a simulation's fresh answer from a real change).
 */
function inScope(registrations: Registration[], scope: RunScope): Registration[] {
  if (scope === "full") return registrations;
  const byUrn = new Map(registrations.map((r) => [r.urn, r]));
  const upstream = new Set<string>();
  const visit = (r: Registration) => {
    for (const urn of Object.values(r.propertyDependencies).flat()) {
      const dependency = byUrn.get(urn);
      if (dependency && !upstream.has(urn)) {
        upstream.add(urn);
        visit(dependency);
      }
    }
  };
  for (const r of registrations) if (mayCarryCredential(r.type)) visit(r);
  return registrations.filter(
    (r) =>
      !r.custom || KEPT_FOR_CHURN.has(r.type) || mayCarryCredential(r.type) || upstream.has(r.urn),
  );
}

main(process.argv[2]).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`error: ${messageOf(error)}\n`);
    process.exit(2);
  },
);
