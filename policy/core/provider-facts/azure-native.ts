/**
 * The azure-native rows (pulumi/pulumi-azure-native and the Azure REST API specs): Key Vault
 * secrets and vaults, and the role assignments that let consumers read secrets.
 */
import { KEYVAULT_SECRET, KEYVAULT_VAULT, ROLE_ASSIGNMENT } from "../resource-types";
import {
  ARM_ROLE_ASSIGNMENT_EXISTS,
  AUTHZ_COMMON_TYPES,
  AUTHZ_SPEC,
  AZURE_NATIVE,
  AZURE_NATIVE_CREATE,
  AZURE_NATIVE_DIFF,
  AZURE_NATIVE_FORCE_NEW,
  AZURE_NATIVE_SDK_ROLE_ASSIGNMENT,
  KV_NAMING_DOCS,
  KV_SECRETS_SPEC,
} from "./sources";
import type { ProviderFacts, Validation } from "./types";

/** A pattern matching `word` in any letter case (ARM ids compare case-insensitively). */
function anyCase(word: string): string {
  return [...word]
    .map((c) =>
      /[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c === "." ? "\\." : c,
    )
    .join("");
}

const GUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

/**
 * An ARM scope as the role assignment API documents it (subscription, resource group, resource
 * with optional parent path), plus a management group. azure-native trims leading and trailing
 * slashes before placing it in `/{scope}/providers/…` (provider/pkg/provider/crud/crud.go
 * PrepareAzureRESTIdAndQuery, SkipUrlEncoding parameters), so both are optional here.
 */
export const ARM_SCOPE_PATTERN =
  `^/?(?:${anyCase("subscriptions")}/[^/]+(?:/${anyCase("resourceGroups")}/[^/]+)?` +
  `(?:/${anyCase("providers")}/[^/]+(?:/[^/]+/[^/]+)+)?` +
  `|${anyCase("providers")}/${anyCase("Microsoft.Management")}/${anyCase("managementGroups")}/[^/]+)/?$`;

/**
 * A role definition id: `/subscriptions/{id}/providers/Microsoft.Authorization/roleDefinitions/{guid}`
 * (the form ARM returns for a role used in a subscription) or the tenant-level
 * `/providers/Microsoft.Authorization/roleDefinitions/{guid}`.
 */
export const ROLE_DEFINITION_ID_PATTERN =
  `^(?:/${anyCase("subscriptions")}/[^/]+)?/${anyCase("providers")}/` +
  `${anyCase("Microsoft.Authorization")}/${anyCase("roleDefinitions")}/${GUID}$`;

/**
 * `principalType` values: the 2022-04-01 spec lists User, Group, ServicePrincipal and
 * ForeignGroup; the SDK the program uses (generated from a later revision) adds Device, AgentUser
 * and AgentServicePrincipal. `x-ms-enum.modelAsString`: the provider passes any string, ARM judges.
 */
export const PRINCIPAL_TYPES: readonly string[] = [
  "User",
  "Group",
  "ServicePrincipal",
  "ForeignGroup",
  "Device",
  "AgentUser",
  "AgentServicePrincipal",
];

/** The azure-native rows, in table order. */
export const AZURE_NATIVE_ROWS: readonly ProviderFacts[] = [
  {
    type: KEYVAULT_SECRET,
    provider: "azure-native",
    upstream: "Microsoft.KeyVault/vaults/secrets",
    schemaSource: KV_SECRETS_SPEC,
    inputs: ["resourceGroupName", "vaultName", "secretName", "properties", "tags"],
    computedOutputs: ["properties.secretUri", "properties.secretUriWithVersion"],
    replacingInputs: {
      inputs: ["resourceGroupName", "vaultName", "secretName"],
      source: `${AZURE_NATIVE_DIFF}; path parameters: ${KV_SECRETS_SPEC} Secrets_CreateOrUpdate`,
      note: "a changed value, content type or expiry is an update (a new secret version)",
    },
    secretOutputs: {
      outputs: [],
      source:
        `${KV_SECRETS_SPEC} SecretProperties.value carries no x-ms-secret, so azure-native marks nothing ` +
        "secret; the ARM API never returns the value",
      note: "the program must pass the value as a secret itself (pulumi.secret)",
    },
    validations: [
      {
        input: "vaultName",
        rule: {
          kind: "pattern",
          pattern: "^[a-zA-Z0-9-]{3,24}$",
          description: "3–24 letters, digits or hyphens",
        },
        enforcement: "service",
        source: `${KV_SECRETS_SPEC} Secrets_CreateOrUpdate parameter vaultName pattern`,
      },
      {
        input: "secretName",
        rule: {
          kind: "pattern",
          pattern: "^[a-zA-Z0-9-]{1,127}$",
          description: "1–127 letters, digits or hyphens",
        },
        enforcement: "service",
        source: `${KV_SECRETS_SPEC} Secrets_CreateOrUpdate parameter secretName pattern`,
      },
      ...["properties.attributes.expires", "properties.attributes.notBefore"].map(
        (input): Validation => ({
          input,
          rule: { kind: "integer", min: 0 },
          enforcement: "service",
          source: `${KV_SECRETS_SPEC} Attributes.${input.endsWith("expires") ? "exp" : "nbf"} (integer, unixtime: seconds since 1970-01-01T00:00:00Z)`,
        }),
      ),
    ],
    defaults: [],
  },
  {
    type: KEYVAULT_VAULT,
    provider: "azure-native",
    upstream: "Microsoft.KeyVault/vaults",
    schemaSource:
      "Azure/azure-rest-api-specs specification/keyvault/resource-manager/Microsoft.KeyVault (keyvault.json)",
    inputs: ["resourceGroupName", "vaultName", "location", "properties", "tags"],
    computedOutputs: ["properties.vaultUri"],
    replacingInputs: {
      inputs: ["resourceGroupName", "vaultName"],
      source: `${AZURE_NATIVE_DIFF}; path parameters of Vaults_CreateOrUpdate`,
      note: "whether a changed `location` replaces the vault (x-ms-mutability) is unverified",
    },
    secretOutputs: {
      outputs: [],
      source: "Vaults_CreateOrUpdate body: no x-ms-secret property",
    },
    validations: [
      {
        input: "vaultName",
        rule: {
          kind: "pattern",
          pattern: "^[a-zA-Z0-9-]{3,24}$",
          description: "3–24 letters, digits or hyphens",
        },
        enforcement: "service",
        source:
          "Azure/azure-rest-api-specs Microsoft.KeyVault keyvault.json Vaults_CreateOrUpdate parameter vaultName pattern",
      },
      {
        input: "vaultName",
        rule: {
          kind: "pattern",
          pattern: "^[a-zA-Z](?!.*--)[a-zA-Z0-9-]*[a-zA-Z0-9]$",
          description: "starts with a letter, ends with a letter or digit, no consecutive hyphens",
        },
        enforcement: "service",
        source: KV_NAMING_DOCS,
        note: "globally unique as well",
      },
      {
        input: "properties.softDeleteRetentionInDays",
        rule: { kind: "integer", min: 7, max: 90 },
        enforcement: "service",
        source:
          'Azure/azure-rest-api-specs Microsoft.KeyVault keyvault.json VaultProperties.softDeleteRetentionInDays ("accepts >=7 and <=90")',
      },
    ],
    defaults: [
      {
        input: "properties.softDeleteRetentionInDays",
        value: "90",
        source:
          "Azure/azure-rest-api-specs Microsoft.KeyVault keyvault.json VaultProperties.softDeleteRetentionInDays default",
      },
    ],
  },
  {
    type: ROLE_ASSIGNMENT,
    provider: "azure-native",
    upstream: "Microsoft.Authorization/roleAssignments",
    schemaSource: `${AUTHZ_SPEC} (RoleAssignments_Create, RoleAssignmentProperties); API version of the default module: ${AZURE_NATIVE_SDK_ROLE_ASSIGNMENT}`,
    inputs: [
      "scope",
      "roleAssignmentName",
      "principalId",
      "roleDefinitionId",
      "principalType",
      "condition",
      "conditionVersion",
      "delegatedManagedIdentityResourceId",
      "description",
    ],
    computedOutputs: [
      "name",
      "type",
      "createdBy",
      "createdOn",
      "updatedBy",
      "updatedOn",
      "azureApiVersion",
    ],
    replacingInputs: {
      inputs: ["scope", "roleAssignmentName", "principalId"],
      source:
        `${AZURE_NATIVE_DIFF}: scope and roleAssignmentName are the path parameters of ${AUTHZ_SPEC} ` +
        `RoleAssignments_Create (/{scope}/providers/Microsoft.Authorization/roleAssignments/{roleAssignmentName}); ` +
        AZURE_NATIVE_FORCE_NEW,
      note:
        "a changed roleDefinitionId, principalType, condition or description is an update (a PUT under the " +
        "same name); azure-native replaces delete-before-create (provider/pkg/provider/provider.go Diff: " +
        "deleteBeforeReplace := len(replaces) > 0)",
    },
    secretOutputs: {
      outputs: [],
      source: `${AUTHZ_SPEC} RoleAssignmentProperties: no x-ms-secret property`,
    },
    validations: [
      {
        input: "roleAssignmentName",
        rule: { kind: "uuid" },
        enforcement: "service",
        source:
          `${AUTHZ_SPEC} parameter RoleAssignmentNameParameter ("It can be any valid GUID", no format, so ` +
          'the provider does not check it); ARM answers 400 InvalidRoleAssignmentId "The role assignment ' +
          "ID '…' is not valid. The role assignment ID must be a GUID.\" (Azure/azure-rest-api-specs#1684, " +
          "Azure/azure-sdk-for-python#4621; pulumi/pulumi-azure-native#625)",
      },
      {
        input: "principalId",
        rule: { kind: "uuid" },
        enforcement: "service",
        source:
          "ARM answers 400 InvalidPrincipalId \"The Principal ID '…' is not valid. Principal ID must be a " +
          `GUID." (Azure/azure-powershell#16627); ${AUTHZ_SPEC} RoleAssignmentProperties.principalId (string)`,
      },
      {
        input: "roleDefinitionId",
        rule: {
          kind: "pattern",
          pattern: ROLE_DEFINITION_ID_PATTERN,
          description:
            "a role definition id /subscriptions/{subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/{guid}",
        },
        enforcement: "service",
        source:
          "ARM answers 400 InvalidRoleDefinitionId \"The role definition ID '…' is not valid.\" " +
          `(hashicorp/terraform-provider-azurerm#8547); ${AUTHZ_SPEC} RoleAssignments_Create examples`,
      },
      {
        input: "scope",
        rule: {
          kind: "pattern",
          pattern: ARM_SCOPE_PATTERN,
          description:
            "an ARM scope: /subscriptions/{id}[/resourceGroups/{name}][/providers/{namespace}/{type}/{name}…]",
        },
        enforcement: "service",
        source: `${AUTHZ_COMMON_TYPES} parameter ScopeParameter ("Valid scopes are: subscription …, resource group …, or resource …")`,
      },
      {
        input: "principalType",
        rule: { kind: "enum", values: PRINCIPAL_TYPES },
        enforcement: "service",
        source:
          `${AUTHZ_SPEC} RoleAssignmentProperties.principalType enum (x-ms-enum modelAsString); ` +
          "@pulumi/azure-native 3.28.0 types/enums/authorization PrincipalType",
        note: "ARM's answer to another value is unverified",
      },
      {
        input: "conditionVersion",
        rule: { kind: "enum", values: ["2.0"] },
        enforcement: "service",
        source: `${AUTHZ_SPEC} RoleAssignmentProperties.conditionVersion ("Currently the only accepted value is '2.0'")`,
      },
    ],
    defaults: [
      {
        input: "principalType",
        value:
          "User, sent by the SDK when unset: a service principal (a managed identity) then fails with ARM's " +
          "400 UnmatchedPrincipalType (Azure/modern-web-app-pattern-dotnet#129), so set ServicePrincipal",
        source: `${AZURE_NATIVE_SDK_ROLE_ASSIGNMENT} (resourceInputs["principalType"] = (args?.principalType) ?? "User"); ${AUTHZ_SPEC} principalType default "User"`,
      },
    ],
    createConflicts: [
      {
        id: "same-name",
        key: ["scope", "roleAssignmentName"],
        when: "a role assignment of that name exists at that scope and the stack's state does not hold the resource (a create, not an update)",
        enforcement: "apply",
        answer: "cannot create already existing resource '{id}'",
        source: AZURE_NATIVE_CREATE,
        remedy:
          "adopt it: pulumi import azure-native:authorization:RoleAssignment <resource name> {id} " +
          "(https://www.pulumi.com/docs/iac/cli/commands/pulumi_import/: --parent 'parent=<urn>' for a " +
          "component's child), or delete it",
      },
      {
        id: "same-principal-role-scope",
        key: ["scope", "principalId", "roleDefinitionId"],
        when: "ARM holds an assignment of the same role to the same principal at the same scope under another name",
        enforcement: "service",
        answer: "409 Conflict RoleAssignmentExists: The role assignment already exists.",
        source: ARM_ROLE_ASSIGNMENT_EXISTS,
        remedy:
          "import the existing assignment under its own name (the program must then use that name), or delete it",
      },
    ],
    importId: {
      format: "/{scope}/providers/Microsoft.Authorization/roleAssignments/{roleAssignmentName}",
      source:
        `${AZURE_NATIVE}@15a0a2f provider/pkg/resources/customresources/custom_roleassignment.go ` +
        `roleAssignmentPath; ${AUTHZ_SPEC} RoleAssignments_Get`,
    },
  },
];
