/**
 * Resources that are not credentials, as most of an organisation's stacks hold them: resource
 * groups, storage accounts, virtual networks, web apps, and applications without passwords. The
 * pack runs on every stack, so its cost on these is its cost on the organisation.
 */
import type { ResourceRecord } from "../offline";
import { fmtMs, log, median, RUNS } from "./common";
import { OUR_PACK, startConfigured, tmpEnv } from "./policyBench";
import { Report } from "./report";

/** Resources per run (the 10,000). */
export const NON_CREDENTIAL_RESOURCES = 10_000;
/**
 * `AnalyzeStack` calls per pack and run (after one `Analyze` of every resource, as a deployment
 * sends them; the pack's record of analysed types holds until the next `Analyze`): one call is a
 * few seconds, within this machine's noise, so each run takes the median of several.
 */
export const STACK_REPEATS = 5;

const STACK = "urn:pulumi:bench::org-stack";

/** `count` records cycling through five common non-credential resource types. */
export function nonCredentialResources(count: number): ResourceRecord[] {
  const records: ResourceRecord[] = [];
  for (let i = 0; i < count; i++) {
    const group = `rg-${i % 50}`;
    const [type, properties] = shapes(i, group)[i % 5];
    const name = `${type.split(":").pop()?.toLowerCase()}-${i}`;
    records.push({
      type,
      name,
      urn: `${STACK}::${type}::${name}`,
      parent: `${STACK}::pulumi:pulumi:Stack::org-stack-bench`,
      properties,
      dependencies: [],
      propertyDependencies: {},
    });
  }
  return records;
}

function shapes(i: number, group: string): [string, Record<string, unknown>][] {
  const tags = { team: `team-${i % 7}`, env: "prod", costCenter: String(1000 + (i % 13)) };
  return [
    [
      "azure-native:resources:ResourceGroup",
      { resourceGroupName: group, location: "westeurope", tags },
    ],
    [
      "azure-native:storage:StorageAccount",
      {
        accountName: `st${i}`,
        resourceGroupName: group,
        location: "westeurope",
        kind: "StorageV2",
        sku: { name: "Standard_LRS" },
        allowBlobPublicAccess: false,
        minimumTlsVersion: "TLS1_2",
        enableHttpsTrafficOnly: true,
        encryption: {
          keySource: "Microsoft.Storage",
          services: { blob: { enabled: true }, file: { enabled: true } },
        },
        networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices", ipRules: [] },
        tags,
      },
    ],
    [
      "azure-native:network:VirtualNetwork",
      {
        virtualNetworkName: `vnet-${i}`,
        resourceGroupName: group,
        location: "westeurope",
        addressSpace: { addressPrefixes: [`10.${i % 250}.0.0/16`] },
        subnets: [0, 1, 2].map((s) => ({
          name: `snet-${s}`,
          addressPrefix: `10.${i % 250}.${s}.0/24`,
          privateEndpointNetworkPolicies: "Disabled",
        })),
        tags,
      },
    ],
    [
      "azure-native:web:WebApp",
      {
        name: `app-${i}`,
        resourceGroupName: group,
        location: "westeurope",
        httpsOnly: true,
        siteConfig: {
          alwaysOn: true,
          ftpsState: "Disabled",
          minTlsVersion: "1.2",
          appSettings: [
            { name: "WEBSITE_RUN_FROM_PACKAGE", value: "1" },
            { name: "APPINSIGHTS_INSTRUMENTATIONKEY", value: `key-${i}` },
          ],
        },
        identity: { type: "SystemAssigned" },
        tags,
      },
    ],
    [
      "azuread:index/application:Application",
      {
        displayName: `Application ${i}`,
        signInAudience: "AzureADMyOrg",
        owners: ["3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"],
        web: { redirectUris: [`https://app-${i}.example.com/signin-oidc`] },
        requiredResourceAccesses: [
          {
            resourceAppId: "00000003-0000-0000-c000-000000000000",
            resourceAccesses: [{ id: "e1fe6dd8-ba31-4d61-89e7-88639da4683d", type: "Scope" }],
          },
        ],
      },
    ],
  ];
}

/**
 * The pack's cost on an organisation's ordinary stacks: 10,000 non-credential
 * resources through `Remediate`+`Analyze` one by one, then one `AnalyzeStack`, as the engine sends
 * them, to our pack and to the empty pack, side by side in each iteration (which pack goes first
 * alternates; `AnalyzeStack` repeated {@link STACK_REPEATS} times, interleaved). Targets: per
 * `Analyze` ≤ 1.05× the empty pack, `AnalyzeStack` ≤ 1.10×.
 */
export async function nonCredentialCost(report: Report, emptyPack: string): Promise<void> {
  log("policy cost on non-credential resources …");
  const resources = nonCredentialResources(NON_CREDENTIAL_RESOURCES);
  const packs = {
    ours: await startConfigured(OUR_PACK),
    empty: await startConfigured(emptyPack, tmpEnv()),
  };
  const analyze: Record<"ours" | "empty", number[]> = { ours: [], empty: [] };
  const stack: Record<"ours" | "empty", number[]> = { ours: [], empty: [] };
  const analyzeRatios: number[] = [];
  const stackRatios: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      // Alternate which pack goes first, and interleave the stack analyses: the machine's drift
      // (GC of this process, other load) then falls on both packs alike.
      const order = i % 2 === 0 ? (["ours", "empty"] as const) : (["empty", "ours"] as const);
      const stackRuns: Record<"ours" | "empty", number[]> = { ours: [], empty: [] };
      let diagnostics = 0;
      for (const which of order) {
        const t0 = performance.now();
        for (const r of resources) diagnostics += (await packs[which].analyze(r)).length;
        analyze[which].push(performance.now() - t0);
      }
      for (let k = 0; k < STACK_REPEATS; k++) {
        for (const which of order) {
          const t0 = performance.now();
          diagnostics += (await packs[which].analyzeStack(resources)).length;
          stackRuns[which].push(performance.now() - t0);
        }
      }
      for (const which of order) {
        stack[which].push(median(stackRuns[which]));
        log(
          `  ${which} run ${i + 1}/${RUNS}: Analyze ${fmtMs(analyze[which][i])}, AnalyzeStack ${fmtMs(stack[which][i])} (median of ${STACK_REPEATS})`,
        );
      }
      if (diagnostics > 0) log(`  ${diagnostics} diagnostics on non-credential resources`);
      analyzeRatios.push(analyze.ours[i] / analyze.empty[i]);
      stackRatios.push(stack.ours[i] / stack.empty[i]);
    }
  } finally {
    await packs.ours.stop();
    await packs.empty.stop();
  }
  const n = `median of ${RUNS}`;
  const count = NON_CREDENTIAL_RESOURCES.toLocaleString("en");
  for (const which of ["ours", "empty"] as const) {
    const name = which === "ours" ? "our pack" : "empty pack";
    const per = median(analyze[which]) / NON_CREDENTIAL_RESOURCES;
    report.add(
      "Policy, non-credential",
      `${name}: Analyze ×${count} (${n})`,
      `${fmtMs(median(analyze[which]))} (${(per * 1000).toFixed(0)} µs each)`,
    );
    report.add(
      "Policy, non-credential",
      `${name}: AnalyzeStack of ${count} (${n}, each the median of ${STACK_REPEATS})`,
      fmtMs(median(stack[which])),
    );
  }
  const analyzeRatio = median(analyzeRatios);
  const stackRatio = median(stackRatios);
  report.add(
    "Policy, non-credential",
    "ours / empty, per Analyze (median of per-run ratios)",
    `${analyzeRatio.toFixed(2)}×`,
    {
      target: "≤ 1.05×",
      met: analyzeRatio <= 1.05,
      key: "noncredential-analyze-ratio",
    },
  );
  report.add(
    "Policy, non-credential",
    "ours / empty, AnalyzeStack (median of per-run ratios)",
    `${stackRatio.toFixed(2)}×`,
    {
      target: "≤ 1.10×",
      met: stackRatio <= 1.1,
      key: "noncredential-stack-ratio",
    },
  );
}
