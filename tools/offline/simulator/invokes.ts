/** The simulated provider functions (invokes, data sources) the programs call. */
import type * as pulumi from "@pulumi/pulumi";
import { vaultId } from "./providers";
import {
  guidFrom,
  SIMULATED_DEPLOYER_CLIENT_ID,
  SIMULATED_SUBSCRIPTION_ID,
  SIMULATED_TENANT_ID,
  SimulatedWorld,
} from "./world";

type State = Record<string, unknown>;

/**
 * Results of the simulated provider functions (invokes). A lookup of an application or service
 * principal that the tenant snapshot does not list throws, as the provider's data source does
 * ("… was not found"), and so does the lookup of a vault when the world declares the vaults and
 * not that one (ARM's 404 ResourceNotFound): an invoke failure fails the whole program.
 */
export function simulateCall(args: pulumi.runtime.MockCallArgs, world: SimulatedWorld): State {
  const inputs = args.inputs as State;
  switch (args.token) {
    case "azuread:index/getClientConfig:getClientConfig":
    case "azure-native:authorization:getClientConfig":
      return {
        tenantId: SIMULATED_TENANT_ID,
        clientId: SIMULATED_DEPLOYER_CLIENT_ID,
        objectId: world.directory.deployer.objectId,
        subscriptionId: SIMULATED_SUBSCRIPTION_ID,
      };
    case "azuread:index/getApplication:getApplication": {
      const objectId = String(inputs.objectId ?? guidFrom(`app#${JSON.stringify(inputs)}`));
      const missing = world.directory.checkExists("application", objectId, "getApplication");
      if (missing) throw new Error(`Application with object ID "${objectId}" was not found`);
      return {
        id: `/applications/${objectId}`,
        objectId,
        clientId: inputs.clientId ?? guidFrom(`${objectId}#clientId`),
        displayName: inputs.displayName ?? `application ${objectId.slice(0, 8)}`,
      };
    }
    case "azuread:index/getServicePrincipal:getServicePrincipal": {
      const objectId = String(inputs.objectId ?? guidFrom(`sp#${JSON.stringify(inputs)}`));
      const missing = world.directory.checkExists(
        "servicePrincipal",
        objectId,
        "getServicePrincipal",
      );
      if (missing) throw new Error(`Service principal with object ID "${objectId}" was not found`);
      return {
        id: `/servicePrincipals/${objectId}`,
        objectId,
        clientId: inputs.clientId ?? guidFrom(`${objectId}#clientId`),
        applicationTenantId: guidFrom(`${objectId}#tenant`),
        displayName: `service principal ${objectId.slice(0, 8)}`,
      };
    }
    case "azure-native:keyvault:getVault": {
      // Vaults_Get (API 2024-11-01): `properties.enableRbacAuthorization` says whether the vault
      // authorizes data actions with Azure RBAC (true) or with access policies (false), which
      // ignore role assignments (@pulumi/azure-native 3.28.0 keyvault/getVault.d.ts,
      // VaultPropertiesResponse). The vaults the world declares answer for themselves; without a
      // declaration every vault is assumed to exist and to use RBAC.
      const name = String(inputs.vaultName);
      const known = world.vaults.vault(name);
      if (known === undefined) {
        throw new Error(
          `Status=404 Code="ResourceNotFound" Message="The Resource 'Microsoft.KeyVault/vaults/${name}' under resource group '${String(inputs.resourceGroupName)}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"`,
        );
      }
      return {
        id: vaultId(inputs.resourceGroupName, name),
        name,
        location: "westeurope",
        type: "Microsoft.KeyVault/vaults",
        properties: {
          vaultUri: `https://${name}.vault.azure.net/`,
          tenantId: SIMULATED_TENANT_ID,
          enableRbacAuthorization: known === "assumed" ? true : known.enableRbacAuthorization,
        },
      };
    }
    default:
      return {};
  }
}
