/**
 * Resources that are not credentials, as most of an organisation's stacks hold them: resource
 * groups, storage accounts, virtual networks, web apps, and applications without passwords. The
 * pack runs on every stack, so its cost on these is its cost on the organisation.
 */
import type { ResourceRecord } from "../offline";

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
