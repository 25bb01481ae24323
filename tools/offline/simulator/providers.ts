/**
 * The simulated providers: for each resource type and function the programs use, the computed
 * outputs (deterministic ids derived from the URN, and for credentials from the inputs that force
 * replacement) and the refusals the real provider or service would answer. Each rule names its
 * source; the world (./world.ts) holds what outlives one call.
 */
import type * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import {
  certificateValidity,
  simulatePrivateKey,
  simulateRandomId,
  simulateSelfSignedCert,
} from "./certificates";
import {
  APPLICATION,
  APPLICATION_CERTIFICATE,
  APPLICATION_FEDERATED_IDENTITY_CREDENTIAL,
  APPLICATION_PASSWORD,
  credentialLifetime,
  decidingRotationField,
  factsOf,
  formatGoRfc3339,
  KEYVAULT_CERTIFICATE,
  KEYVAULT_SECRET,
  KEYVAULT_VAULT,
  PULUMI_STASH,
  RANDOM_ID,
  RANDOM_STRING,
  rfc3339OffsetMinutes,
  ROLE_ASSIGNMENT,
  RotationFields,
  rotationInstant,
  SERVICE_PRINCIPAL,
  SERVICE_PRINCIPAL_CERTIFICATE,
  SERVICE_PRINCIPAL_PASSWORD,
  TIME_ROTATING,
  TLS_PRIVATE_KEY,
  TLS_SELF_SIGNED_CERT,
  validateInputs,
} from "../../../policy/core";
import { AddedCredential, credentialWriteSubject } from "./appPolicies";
import { simulateFederatedCredential } from "./federatedCredentials";
import { simulateKeyVaultCertificate } from "./keyVaultCertificates";
import { Refusal, refuse } from "./refusals";
import { simulateRoleAssignment } from "./roleAssignments";
import { simulateStash } from "./stash";
import { stripSecrets } from "./wire";
import {
  guidFrom,
  SIMULATED_DEPLOYER_CLIENT_ID,
  SIMULATED_SUBSCRIPTION_ID,
  SIMULATED_TENANT_ID,
  SimulatedWorld,
} from "./world";

type State = Record<string, unknown>;

/** Resource options of a registration that change what Azure sees (the engine applies them). */
export interface ResourceStepOptions {
  /** `deleteBeforeReplace`: a replacement deletes the old resource before creating the new one. */
  deleteBeforeReplace?: boolean;
  /**
   * True when the engine replaces the resource because its `replacementTrigger` changed (./stash.ts
   * `replacementTriggered`): the provider creates it anew instead of updating it.
   */
  replaced?: boolean;
  /**
   * True when the resource depends on the stack resource `owner` (`type::name`), directly or
   * through others (its registration's dependencies and property dependencies, followed through
   * this run's registrations): the engine runs its step only after `owner`'s.
   */
  waitsFor?: (owner: string) => boolean;
}

/** What a simulated provider answers for one resource. */
export interface SimulatedResource {
  id: string;
  state: State;
  /** Set when the real provider or service would refuse this step. */
  failure?: Refusal;
}

function lowerAlnum(text: string, length: number): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = createHash("sha256").update(text).digest();
  return Array.from(bytes.subarray(0, length), (b) => alphabet[b % alphabet.length]).join("");
}

export function resourceGroupId(resourceGroupName: unknown): string {
  return `/subscriptions/${SIMULATED_SUBSCRIPTION_ID}/resourceGroups/${String(resourceGroupName)}`;
}

export function vaultId(resourceGroupName: unknown, vaultName: unknown): string {
  return `${resourceGroupId(resourceGroupName)}/providers/Microsoft.KeyVault/vaults/${String(vaultName)}`;
}

/**
 * A credential date as the azuread provider stores it: it formats `startDate` / `endDate` with Go's
 * `time.RFC3339` layout (whole seconds, UTC `Z`) before sending them to Graph and stores what Graph
 * returns (terraform-provider-azuread internal/helpers/credentials/credentials.go). A config value
 * with a fraction of a second therefore never equals the state, and since `endDate` forces
 * replacement, every deployment would replace the credential.
 *
 * @returns the whole-second RFC 3339 text, or the value unchanged when it is not an instant
 */
export function providerInstant(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms) || !/T/.test(value)) return value;
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** An RFC 3339 input as ms since the Unix epoch, else `fallback` (absent or unreadable). */
function instantOr(value: unknown, fallback: number): number {
  if (typeof value !== "string") return fallback;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : fallback;
}

/** The object id in an azuread resource id (`/applications/{id}`, `/servicePrincipals/{id}`). */
function objectIdOf(resourceId: unknown, collection: string): string | undefined {
  const match =
    typeof resourceId === "string"
      ? new RegExp(`^/${collection}/([0-9a-fA-F-]{36})$`).exec(resourceId)
      : null;
  return match ? match[1].toLowerCase() : undefined;
}

/**
 * The simulated provider's answer for one resource: a registration (create) or, when `args.id` is
 * set on a custom resource, a read (`Resource.get`).
 *
 * @param urn the resource's URN (ids are derived from it)
 * @param nowMs the simulated clock, ms since the epoch (a credential's default `startDate`)
 * @param options the registration's resource options that matter to Azure
 */
export function simulateResource(
  args: pulumi.runtime.MockResourceArgs,
  urn: string,
  nowMs: number,
  world: SimulatedWorld,
  options: ResourceStepOptions = {},
): SimulatedResource {
  // A nested secret makes the whole enclosing input a secret on the wire: read through them.
  const inputs = stripSecrets(args.inputs) as State;
  const what = `${args.type} "${args.name}"`;
  const seed = urn;
  const directory = world.directory;
  const isRead = args.custom === true && typeof args.id === "string" && args.id !== "";
  if (args.custom && !isRead) {
    // The provider's Check: its schema validators and plan-time checks, from the provider facts
    // table (policy/core/provider-facts/, each with its source).
    const problems = validateInputs(args.type, inputs, { enforcement: ["plan"] });
    if (problems.length > 0) {
      return {
        id: "",
        state: inputs,
        failure: refuse(
          "provider-input-invalid",
          `${what}: the provider's Check refuses ${problems.map((p) => p.message).join("; ")}`,
        ),
      };
    }
  }
  if (args.custom && !isRead && factsOf(args.type)?.type === ROLE_ASSIGNMENT) {
    // Default or API-versioned module: ARM's and the provider's rules (./roleAssignments.ts).
    return simulateRoleAssignment({
      type: args.type,
      name: args.name,
      inputs,
      owner: `${args.type}::${args.name}`,
      inState: world.inState(args.type, args.name),
      fallbackName: guidFrom(`${seed}#roleAssignmentName`),
      deployer: {
        objectId: world.directory.deployer.objectId,
        clientId: SIMULATED_DEPLOYER_CLIENT_ID,
      },
      write: world.roleAssignmentWrite,
      assignments: world.roleAssignments,
      vaults: world.vaults,
      createdThisDeployment: (owner) => {
        const [type, ...name] = owner.split("::");
        return !world.inState(type, name.join("::"));
      },
      ...(options.waitsFor ? { waitsFor: options.waitsFor } : {}),
    });
  }
  switch (args.type) {
    case APPLICATION: {
      if (isRead) {
        const objectId = objectIdOf(args.id, "applications") ?? String(args.id);
        const found = directory.find("application", objectId);
        const state = {
          objectId,
          clientId:
            found !== "assumed" && found?.appId ? found.appId : guidFrom(`${objectId}#clientId`),
          displayName:
            found !== "assumed" && found?.displayName
              ? found.displayName
              : `application ${objectId.slice(0, 8)}`,
        };
        return {
          id: `/applications/${objectId}`,
          state,
          failure: directory.checkExists("application", objectId, `reading ${what}`),
        };
      }
      const objectId = guidFrom(`${seed}#objectId`);
      const clientId = guidFrom(`${seed}#clientId`);
      directory.create(
        "application",
        objectId,
        clientId,
        inputs.owners,
        inputs.signInAudience,
        nowMs,
      );
      return { id: `/applications/${objectId}`, state: { ...inputs, objectId, clientId } };
    }
    case SERVICE_PRINCIPAL: {
      if (isRead) {
        const objectId = objectIdOf(args.id, "servicePrincipals") ?? String(args.id);
        const found = directory.find("servicePrincipal", objectId);
        const state = {
          objectId,
          clientId:
            found !== "assumed" && found?.appId ? found.appId : guidFrom(`${objectId}#clientId`),
          applicationTenantId: guidFrom(`${objectId}#tenant`),
          displayName:
            found !== "assumed" && found?.displayName
              ? found.displayName
              : `service principal ${objectId.slice(0, 8)}`,
        };
        return {
          id: `/servicePrincipals/${objectId}`,
          state,
          failure: directory.checkExists("servicePrincipal", objectId, `reading ${what}`),
        };
      }
      const objectId = guidFrom(`${seed}#objectId`);
      directory.create(
        "servicePrincipal",
        objectId,
        inputs.clientId as string | undefined,
        inputs.owners,
        undefined,
        nowMs,
      );
      return {
        id: `/servicePrincipals/${objectId}`,
        state: { ...inputs, objectId, applicationTenantId: SIMULATED_TENANT_ID },
      };
    }
    case APPLICATION_PASSWORD:
    case SERVICE_PRINCIPAL_PASSWORD: {
      // Every input forces replacement: a new keyId for every distinct set of inputs.
      const version = JSON.stringify([
        inputs.endDate,
        inputs.rotateWhenChanged,
        inputs.startDate,
        inputs.displayName,
      ]);
      const keyId = guidFrom(`${seed}#${version}`);
      const onApplication = args.type === APPLICATION_PASSWORD;
      const written = credentialOwner(onApplication, "password", inputs, what, directory);
      const owner = written.owner;
      let failure = written.failure;
      if (!failure) {
        // The tenant's app management policies (./appPolicies.ts): Graph starts a password sent
        // without startDate when it adds it, and ends it at endDate (else its 2-year default).
        const lifetime = credentialLifetime(
          "password",
          {
            startDate: inputs.startDate,
            endDate: inputs.endDate,
            endDateRelative: inputs.endDateRelative,
          },
          nowMs,
        );
        failure = policyCheck(directory, onApplication, owner, args, {
          credential: "password",
          startMs: lifetime.ok ? lifetime.startMs : Number.NaN,
          endMs: lifetime.ok ? lifetime.endMs : Number.NaN,
        });
      }
      const objectId = objectIdOf(owner, "applications");
      if (!failure && onApplication && objectId !== undefined) {
        const held = world.passwordsHeld(
          owner,
          args.type,
          args.name,
          options.deleteBeforeReplace === true,
        );
        failure = directory.checkPasswordLimit(objectId, held, `adding ${what}`);
      }
      if (!failure) world.passwordAdded(owner);
      return {
        id: `${owner}/password/${keyId}`,
        state: {
          ...inputs,
          keyId,
          startDate: providerInstant(inputs.startDate ?? new Date(nowMs).toISOString()),
          endDate: providerInstant(inputs.endDate),
          value: `sim~${lowerAlnum(`${seed}#value#${version}`, 34)}`,
        },
        failure,
      };
    }
    case APPLICATION_CERTIFICATE:
    case SERVICE_PRINCIPAL_CERTIFICATE:
      return simulateKeyCredential(args, inputs, what, seed, directory, nowMs);
    case APPLICATION_FEDERATED_IDENTITY_CREDENTIAL:
      // Graph's rules for federated identity credentials (./federatedCredentials.ts).
      return simulateFederatedCredential(
        args,
        inputs,
        (version) => guidFrom(`${seed}#credentialId#${version}`),
        world,
        options,
      );
    case TLS_PRIVATE_KEY:
      return { id: guidFrom(`${seed}#key`), state: { ...inputs, ...simulatePrivateKey(seed) } };
    case TLS_SELF_SIGNED_CERT: {
      const certificate = simulateSelfSignedCert(seed, inputs, nowMs);
      if (typeof certificate === "string") {
        return {
          id: "",
          state: inputs,
          failure: refuse(
            /not a PEM/.test(certificate) ? "tls-private-key-invalid" : "provider-input-invalid",
            `${what}: ${certificate}`,
          ),
        };
      }
      return { id: lowerAlnum(`${seed}#cert`, 20), state: { ...inputs, ...certificate } };
    }
    case RANDOM_ID: {
      const result = simulateRandomId(seed, inputs.byteLength, inputs.keepers);
      return { id: result.id, state: { ...inputs, ...result } };
    }
    case TIME_ROTATING:
      return simulateRotating(inputs, nowMs);
    case RANDOM_STRING: {
      const length = typeof inputs.length === "number" ? inputs.length : 8;
      const result = lowerAlnum(`${seed}#result`, length);
      return { id: result, state: { ...inputs, result } };
    }
    case KEYVAULT_VAULT: {
      const name = String(inputs.vaultName);
      const given = (inputs.properties ?? {}) as State;
      // Vaults_CreateOrUpdate (API 2024-11-01, the default module's): "If null or not specified,
      // the vault is created with the default value of false" (@pulumi/azure-native 3.28.0
      // keyvault VaultProperties.enableRbacAuthorization).
      world.vaults.vaultCreated({
        name,
        resourceGroup: String(inputs.resourceGroupName),
        enableRbacAuthorization: given.enableRbacAuthorization === true,
        // Vaults_CreateOrUpdate: purge protection unset is off; retention defaults to 90 days.
        enablePurgeProtection: given.enablePurgeProtection === true,
        ...(typeof given.softDeleteRetentionInDays === "number"
          ? { softDeleteRetentionInDays: given.softDeleteRetentionInDays }
          : {}),
      });
      return {
        id: vaultId(inputs.resourceGroupName, name),
        state: {
          ...inputs,
          name,
          properties: {
            ...(inputs.properties as State),
            vaultUri: `https://${name}.vault.azure.net/`,
          },
        },
      };
    }
    case KEYVAULT_SECRET: {
      const name = String(inputs.secretName ?? args.name);
      const vault = String(inputs.vaultName);
      const version = lowerAlnum(`${seed}#${JSON.stringify(inputs.properties)}`, 32);
      const uri = `https://${vault}.vault.azure.net/secrets/${name}`;
      // The ARM API never returns a secret's value.
      const { value: _value, ...given } = (inputs.properties ?? {}) as State;
      void _value;
      const properties = { ...given, secretUri: uri, secretUriWithVersion: `${uri}/${version}` };
      // A secret already in the stack's state gets a new version; a new one is created.
      const failure = world.inState(args.type, args.name)
        ? undefined
        : world.vaults.create(vault, name, nowMs, world.keyVaultSecretsOfficer, `creating ${what}`);
      return {
        id: `${vaultId(inputs.resourceGroupName, vault)}/secrets/${name}`,
        state: { ...inputs, name, properties },
        failure,
      };
    }
    case KEYVAULT_CERTIFICATE: {
      // Key Vault generates the version; the state holds its public certificate only
      // (./keyVaultCertificates.ts).
      const previous =
        options.replaced || !world.inState(args.type, args.name)
          ? undefined
          : world.previousAnswer(seed);
      return simulateKeyVaultCertificate({
        type: args.type,
        resourceName: args.name,
        inputs,
        seed,
        nowMs,
        previous,
        owner: `${args.type}::${args.name}`,
        vaults: world.vaults,
        dataRole: world.keyVaultCertificatesOfficer,
        features: world.azureKeyVaultFeatures,
        deployer: {
          objectId: world.directory.deployer.objectId,
          clientId: SIMULATED_DEPLOYER_CLIENT_ID,
        },
      });
    }
    case PULUMI_STASH:
      // The engine's builtin provider (./stash.ts).
      return simulateStash(
        args.name,
        inputs,
        world.inState(args.type, args.name) ? world.previousAnswer(seed) : undefined,
        options.replaced === true,
        seed,
      );
    default:
      return {
        id: args.custom ? `${args.name}-${lowerAlnum(seed, 8)}` : "",
        state: args.inputs as State,
      };
  }
}

/**
 * A `time.Rotating` as terraform-provider-time computes it (internal/provider/resource_time_rotating.go,
 * `setRotationValues`, through policy/core/time-rotating.ts): `rfc3339` is the given base or the
 * creation instant (whole seconds); each rotation field set recomputes the rotation instant from
 * the base, so the last one the provider applies wins; months and years roll over as Go's
 * `AddDate` does. The id is `rfc3339`. It only rotates when the stack is refreshed after that
 * instant.
 */
function simulateRotating(inputs: State, nowMs: number): SimulatedResource {
  const given =
    typeof inputs.rfc3339 === "string" && Number.isFinite(Date.parse(inputs.rfc3339))
      ? inputs.rfc3339
      : undefined;
  const baseMs = given !== undefined ? Date.parse(given) : Math.floor(nowMs / 1000) * 1000;
  const offset = given !== undefined ? (rfc3339OffsetMinutes(given) ?? 0) : 0;
  const count = (key: string) => (typeof inputs[key] === "number" ? inputs[key] : undefined);
  const fields: RotationFields = {
    rotationDays: count("rotationDays"),
    rotationHours: count("rotationHours"),
    rotationMinutes: count("rotationMinutes"),
    rotationMonths: count("rotationMonths"),
    rotationYears: count("rotationYears"),
    rotationRfc3339:
      typeof inputs.rotationRfc3339 === "string" ? Date.parse(inputs.rotationRfc3339) : undefined,
  };
  const rotationMs = rotationInstant(baseMs, fields, { baseOffsetMinutes: offset });
  const rfc3339 = formatGoRfc3339(baseMs, offset);
  const rotationRfc3339 =
    rotationMs === undefined
      ? undefined
      : decidingRotationField(fields) === "rotationRfc3339"
        ? inputs.rotationRfc3339
        : formatGoRfc3339(rotationMs, offset);
  return { id: rfc3339, state: { ...inputs, rfc3339, rotationRfc3339 } };
}

/**
 * The object a password or key credential is added to (`applicationId` / `servicePrincipalId`, a
 * resource id such as `/applications/<objectId>`) and the refusal of the write, if any: a malformed
 * id, or the directory's rules (the object exists, the deployer may write it, no lock; see
 * ./directory.ts).
 */
function credentialOwner(
  onApplication: boolean,
  kind: "password" | "certificate",
  inputs: State,
  what: string,
  directory: SimulatedWorld["directory"],
): { owner: string; failure: Refusal | undefined } {
  const field = onApplication ? "applicationId" : "servicePrincipalId";
  const collection = onApplication ? "applications" : "servicePrincipals";
  const owner = String(inputs[field] ?? "");
  const objectId = objectIdOf(owner, collection);
  const failure: Refusal | undefined =
    objectId === undefined
      ? refuse(
          "provider-input-invalid",
          `${what}: ${field} ${JSON.stringify(owner)} is not a resource id such as /${collection}/00000000-0000-0000-0000-000000000000`,
        )
      : directory.checkCredentialWrite(
          onApplication ? "application" : "servicePrincipal",
          objectId,
          kind,
          `adding ${what}`,
        );
  return { owner, failure };
}

/**
 * The tenant's app management policies on a credential added to the object `owner` (a resource id)
 * names: ./directory.ts `checkAppManagementPolicy`. Undefined for a malformed id (refused before).
 */
function policyCheck(
  directory: SimulatedWorld["directory"],
  onApplication: boolean,
  owner: string,
  args: pulumi.runtime.MockResourceArgs,
  added: AddedCredential,
): Refusal | undefined {
  const objectId = objectIdOf(owner, onApplication ? "applications" : "servicePrincipals");
  if (objectId === undefined) return undefined;
  return directory.checkAppManagementPolicy(
    onApplication ? "application" : "servicePrincipal",
    objectId,
    added,
    credentialWriteSubject(args.type, args.name),
  );
}

/**
 * An `ApplicationCertificate` / `ServicePrincipalCertificate`: the same write rules as a password
 * (the object exists, the deployer may write it, no lock), then Graph's check that the key
 * credential ends no later than its certificate, then the tenant's app management policies
 * (asymmetricKeyLifetime; symmetricKeyAddition and symmetricKeyLifetime for a symmetric key).
 * Dates default to the certificate's validity and are stored to the second, as for passwords.
 *
 * @param nowMs the simulated clock: a symmetric key's start when no startDate is given
 */
function simulateKeyCredential(
  args: pulumi.runtime.MockResourceArgs,
  inputs: State,
  what: string,
  seed: string,
  directory: SimulatedWorld["directory"],
  nowMs: number,
): SimulatedResource {
  const type = args.type;
  const written = credentialOwner(
    type === APPLICATION_CERTIFICATE,
    "certificate",
    inputs,
    what,
    directory,
  );
  const owner = written.owner;
  const version = JSON.stringify([inputs.value, inputs.endDate, inputs.startDate, inputs.keyId]);
  const keyId = typeof inputs.keyId === "string" ? inputs.keyId : guidFrom(`${seed}#${version}`);
  const validity = certificateValidity(inputs.value, inputs.encoding);
  const id = `${owner}/certificate/${keyId}`;
  let failure: Refusal | undefined = written.failure;
  const onApplication = type === APPLICATION_CERTIFICATE;
  if (inputs.type === "Symmetric") {
    // A symmetric key holds no certificate; personal-account audiences accept none.
    const objectId = objectIdOf(owner, "applications");
    if (objectId !== undefined) failure ??= directory.checkSymmetricKey(objectId, `adding ${what}`);
    failure ??= policyCheck(directory, onApplication, owner, args, {
      credential: "symmetricKey",
      startMs: instantOr(inputs.startDate, nowMs),
      endMs: instantOr(inputs.endDate, Number.NaN),
    });
    return { id, state: { ...inputs, keyId }, failure };
  }
  if (typeof validity === "string") {
    failure ??= refuse("key-credential-value-invalid", `${what}: ${validity}`);
    return { id, state: { ...inputs, keyId }, failure };
  }
  const endMs =
    inputs.endDate === undefined ? validity.notAfterMs : Date.parse(String(inputs.endDate));
  if (!failure && endMs > validity.notAfterMs) {
    failure = refuse(
      "key-credential-end-after-certificate",
      `${what}: 400 Key credential end date is invalid: endDate ${String(inputs.endDate)} is after the certificate's notAfter ${new Date(validity.notAfterMs).toISOString()}`,
    );
  }
  // A key credential starts at startDate, else at the certificate's notBefore (the provider's
  // default: terraform-provider-azuread docs/resources/application_certificate.md, start_date).
  failure ??= policyCheck(directory, onApplication, owner, args, {
    credential: "certificate",
    startMs: instantOr(inputs.startDate, validity.notBeforeMs),
    endMs,
  });
  return {
    id,
    state: {
      ...inputs,
      keyId,
      startDate: providerInstant(inputs.startDate ?? new Date(validity.notBeforeMs).toISOString()),
      endDate: providerInstant(inputs.endDate ?? new Date(validity.notAfterMs).toISOString()),
    },
    failure,
  };
}
