/**
 * The component provider's schema (provider/): what `pulumi package add` generates the Python, C#,
 * Go, Java and YAML SDKs from, inferred by @pulumi/pulumi's component provider from the TypeScript
 * sources of the components and their arguments.
 *
 * - It is a valid Pulumi package schema (the metaschema, vendored: test/fixtures/).
 * - Both components, under the tokens their classes register (`app-credentials:index:…`).
 * - Every argument, documented; only `keyVault` required; plain where the TypeScript type is
 *   plain (the schedule is computed while the program runs), an Input for `rotationTrigger` and
 *   the vault's fields.
 * - The outputs, typed and documented; the string enums, with the values the validation accepts.
 *
 * One provider for the file: the inference (the TypeScript compiler over the sources) takes
 * seconds.
 */
import * as assert from "assert";
import { createHash } from "crypto";
import { readFileSync } from "fs";
import * as path from "path";
import { ComponentProvider, getPulumiComponents } from "@pulumi/pulumi/provider/experimental";
import { AppCredential, APP_CREDENTIAL_TYPE } from "../../components/appCredential";
import {
  ConsumerIdentity,
  ConsumerKind,
  CredentialKind,
  SignInAudience,
} from "../../components/appCredentialArgs";
import { CredentialVault, CREDENTIAL_VAULT_TYPE } from "../../components/credentialVault";

const REPO = path.resolve(__dirname, "../..");
const PLUGIN_DIR = path.join(REPO, "provider");
const METASCHEMA = path.join(REPO, "test/fixtures/pulumi-package-metaschema.json");
/** pulumi/pulumi v3.248.0 pkg/codegen/schema/pulumi.json (test/fixtures/pulumi-package-metaschema.md). */
const METASCHEMA_SHA256 = "45c9aa5144ef1c1ef1ce3515a6d379d288558d36d189435dfa32a246b9d3ad4b";

/** The parts of a Pulumi package schema the tests read. */
interface Property {
  type?: string;
  $ref?: string;
  items?: Property;
  additionalProperties?: Property;
  plain?: boolean;
  description?: string;
}
interface ObjectType {
  type: string;
  properties?: Record<string, Property>;
  required?: string[];
  enum?: { name: string; value: unknown; description?: string }[];
}
interface Resource {
  isComponent?: boolean;
  description?: string;
  inputProperties: Record<string, Property>;
  requiredInputs: string[];
  properties: Record<string, Property>;
  required: string[];
}
interface PackageSchema {
  name: string;
  version: string;
  resources: Record<string, Resource>;
  types: Record<string, ObjectType>;
  dependencies?: unknown[];
}

/**
 * The provider name the plugin host derives from the plugin's package.json (@pulumi/pulumi
 * v3.248.0 cmd/run-plugin/run.ts): the name without its scope, characters outside
 * `[-a-zA-Z0-9_]` as `-`.
 */
function pluginProviderName(packageName: string): string {
  const matches = /(@.*?\/)?(.+)/.exec(packageName) as RegExpExecArray;
  return matches[2].replace(/[^-a-zA-Z0-9_]/g, "-");
}

/** ajv's JSON Schema 2020-12 build (ajv 8, a devDependency of the root). */
function loadAjv2020(): new (options: object) => {
  compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown[] | null };
} {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("ajv/dist/2020").default;
}

const token = (name: string) => `app-credentials:index:${name}`;
const ref = (name: string) => `#/types/${token(name)}`;

describe("the component provider's schema (provider/)", () => {
  let schema: PackageSchema;
  let app: Resource;
  let vault: Resource;

  before(async () => {
    const packageJson = JSON.parse(readFileSync(path.join(PLUGIN_DIR, "package.json"), "utf8"));
    const provider = new ComponentProvider({
      components: [AppCredential, CredentialVault],
      dirname: PLUGIN_DIR,
      name: pluginProviderName(packageJson.name),
    });
    schema = JSON.parse(await provider.getSchema());
    app = schema.resources[APP_CREDENTIAL_TYPE];
    vault = schema.resources[CREDENTIAL_VAULT_TYPE];
  });

  it("is a plugin the host loads: the two components, one @pulumi/pulumi, outside the workspaces", () => {
    // run-plugin: `getPulumiComponents(require(<plugin dir>))`, the name from package.json.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const components = getPulumiComponents(require(PLUGIN_DIR));
    assert.deepStrictEqual(components, [AppCredential, CredentialVault]);
    const plugin = JSON.parse(readFileSync(path.join(PLUGIN_DIR, "package.json"), "utf8"));
    const root = JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8"));
    assert.strictEqual(pluginProviderName(plugin.name), "app-credentials");
    assert.strictEqual(plugin.version, root.version);
    assert.strictEqual(plugin.main, "index.ts");
    assert.match(
      readFileSync(path.join(PLUGIN_DIR, "PulumiPlugin.yaml"), "utf8"),
      /^runtime: nodejs$/m,
    );
    // No dependency of its own: everything resolves from the root's node_modules, as for the
    // components' sources, which its postinstall installs.
    assert.strictEqual(plugin.dependencies, undefined);
    assert.strictEqual(plugin.devDependencies, undefined);
    assert.match(plugin.scripts.postinstall, /^cd \.\. && npm ci /);
    const resolve = (from: string) => require.resolve("@pulumi/pulumi", { paths: [from] });
    assert.strictEqual(resolve(PLUGIN_DIR), resolve(path.join(REPO, "components")));
    // Not an npm workspace of the root (Pulumi and npm would install it as one).
    for (const workspace of root.workspaces ?? []) {
      assert.doesNotMatch(workspace, /[*?{]/, "workspaces are literal paths");
      assert.notStrictEqual(path.resolve(REPO, workspace), PLUGIN_DIR);
    }
  });

  it("is a valid Pulumi package schema, named after the plugin's package", () => {
    const text = readFileSync(METASCHEMA);
    assert.strictEqual(createHash("sha256").update(text).digest("hex"), METASCHEMA_SHA256);
    const Ajv2020 = loadAjv2020();
    const validate = new Ajv2020({
      strict: false,
      allErrors: true,
      validateFormats: false,
    }).compile(JSON.parse(text.toString("utf8")));
    assert.ok(validate(schema), JSON.stringify(validate.errors, null, 2));
    assert.ok(!validate({ ...schema, name: "9-app-credentials" }), "the validator checks names");
    assert.strictEqual(schema.name, "app-credentials");
    const rootVersion = JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8")).version;
    assert.strictEqual(schema.version, rootVersion, "the plugin's version is the package's");
    assert.deepStrictEqual(schema.dependencies, [], "no resource of another package is referenced");
  });

  it("declares both components under the tokens their classes register", () => {
    assert.deepStrictEqual(Object.keys(schema.resources).sort(), [
      "app-credentials:index:AppCredential",
      "app-credentials:index:CredentialVault",
    ]);
    for (const resource of [app, vault]) {
      assert.strictEqual(resource.isComponent, true);
      assert.ok((resource.description ?? "").length > 100, resource.description);
    }
  });

  it("takes every argument of AppCredential, documented, and requires only the vault", () => {
    const expected = [
      "displayName",
      "existing",
      "credential",
      "rotation",
      "rotationTrigger",
      "keyVault",
      "consumers",
      "federation",
      "exportable",
      "owners",
      "signInAudience",
    ];
    assert.deepStrictEqual(Object.keys(app.inputProperties).sort(), [...expected].sort());
    for (const name of expected) {
      assert.ok(app.inputProperties[name].description, `${name} has a description`);
    }
    assert.deepStrictEqual(app.requiredInputs, ["keyVault"]);
  });

  it("is plain where the TypeScript type is plain: only the trigger and the vault's fields are Inputs", () => {
    for (const [name, property] of Object.entries(app.inputProperties)) {
      assert.strictEqual(property.plain, name === "rotationTrigger" ? undefined : true, name);
    }
    assert.strictEqual(app.inputProperties.rotationTrigger.type, "string");
    const keyVault = schema.types[token("KeyVault")];
    assert.deepStrictEqual(Object.keys(keyVault.properties ?? {}).sort(), [
      "resourceGroupName",
      "subscriptionId",
      "vaultId",
      "vaultName",
    ]);
    for (const [name, property] of Object.entries(keyVault.properties ?? {})) {
      assert.strictEqual(property.plain, undefined, `keyVault.${name} is an Input`);
      assert.strictEqual(property.type, "string");
    }
    assert.deepStrictEqual(keyVault.required, ["resourceGroupName", "vaultName"]);
    // Nested arguments of a plain argument are plain.
    for (const name of ["Rotation", "ExistingApp", "Consumer", "FederatedCredential"]) {
      for (const [field, property] of Object.entries(schema.types[token(name)].properties ?? {})) {
        assert.strictEqual(property.plain, true, `${name}.${field}`);
      }
    }
    assert.strictEqual(schema.types[token("Rotation")].properties?.slots.type, "number");
  });

  it("gives a provider-facing form to each choice: optional fields instead of unions", () => {
    const fields = (name: string) => schema.types[token(name)];
    assert.deepStrictEqual(fields("ExistingApp").required, []);
    assert.deepStrictEqual(Object.keys(fields("ExistingApp").properties ?? {}).sort(), [
      "applicationObjectId",
      "servicePrincipalObjectId",
      "signInAudience",
    ]);
    assert.deepStrictEqual(fields("FederatedCredential").required, []);
    const federated = fields("FederatedCredential").properties ?? {};
    assert.strictEqual(federated.githubActions.$ref, ref("GithubActionsTrust"));
    assert.strictEqual(federated.kubernetes.$ref, ref("KubernetesTrust"));
    assert.strictEqual(federated.managedIdentity.$ref, ref("ManagedIdentityTrust"));
    assert.strictEqual(federated.issuer.type, "string");
    assert.strictEqual(federated.subject.type, "string");
    assert.deepStrictEqual(fields("GithubActionsTrust").required, ["repository"]);
    assert.strictEqual(fields("GithubActionsTrust").properties?.pullRequest.type, "boolean");
    assert.strictEqual(app.inputProperties.consumers.items?.$ref, ref("Consumer"));
    assert.strictEqual(app.inputProperties.federation.items?.$ref, ref("FederatedCredential"));
    assert.deepStrictEqual(fields("Consumer").required, ["kind", "name", "principalId"]);
    // CredentialVault: exactly one of `existing` and `create`, both optional.
    assert.deepStrictEqual(vault.requiredInputs, []);
    assert.strictEqual(vault.inputProperties.existing.$ref, ref("ExistingVault"));
    assert.strictEqual(vault.inputProperties.create.$ref, ref("NewVault"));
  });

  it("declares the string enums with the values the validation accepts", () => {
    const enums: [string, Record<string, string>][] = [
      ["CredentialKind", CredentialKind],
      ["SignInAudience", SignInAudience],
      ["ConsumerKind", ConsumerKind],
      ["ConsumerIdentity", ConsumerIdentity],
    ];
    for (const [name, values] of enums) {
      const type = schema.types[token(name)];
      assert.ok(type, `${name} is a type`);
      assert.strictEqual(type.type, "string");
      assert.deepStrictEqual(
        type.enum?.map((member) => [member.name, member.value]),
        Object.entries(values),
        name,
      );
    }
    assert.strictEqual(app.inputProperties.credential.$ref, ref("CredentialKind"));
    assert.strictEqual(app.inputProperties.signInAudience.$ref, ref("SignInAudience"));
    const consumer = schema.types[token("Consumer")].properties ?? {};
    assert.strictEqual(consumer.kind.$ref, ref("ConsumerKind"));
    assert.strictEqual(consumer.identity.$ref, ref("ConsumerIdentity"));
    assert.ok(
      schema.types[token("CredentialKind")].enum?.every((member) => member.description),
      "CredentialKind's members are documented",
    );
  });

  it("declares AppCredential's outputs, typed and documented", () => {
    const outputs = app.properties;
    for (const name of [
      "clientId",
      "tenantId",
      "applicationObjectId",
      "servicePrincipalObjectId",
      "activeKeyId",
      "activeEndDate",
      "nextRotation",
      "activeThumbprint",
      "clientSecretUri",
      "clientCertificateUri",
      "secretUris",
      "consumers",
      "federatedCredentials",
    ]) {
      assert.ok(outputs[name], `${name} is an output`);
      assert.ok(outputs[name].description, `${name} has a description`);
    }
    assert.deepStrictEqual(app.required, [
      "clientId",
      "consumers",
      "federatedCredentials",
      "secretUris",
      "tenantId",
    ]);
    for (const name of ["clientId", "activeEndDate", "nextRotation"]) {
      assert.strictEqual(outputs[name].type, "string", name);
    }
    assert.deepStrictEqual(outputs.secretUris, {
      type: "object",
      additionalProperties: { type: "string" },
      description: outputs.secretUris.description,
    });
    assert.strictEqual(outputs.consumers.type, "array");
    assert.strictEqual(outputs.consumers.items?.$ref, ref("AppCredentialConsumer"));
    assert.strictEqual(
      outputs.federatedCredentials.items?.$ref,
      ref("AppCredentialFederatedCredential"),
    );
    const consumer = schema.types[token("AppCredentialConsumer")];
    assert.deepStrictEqual(consumer.required, [
      "kind",
      "name",
      "principalId",
      "reference",
      "refresh",
    ]);
    const federated = schema.types[token("AppCredentialFederatedCredential")];
    assert.deepStrictEqual(federated.required, ["audience", "issuer", "name", "subject"]);
    for (const type of [consumer, federated]) {
      for (const [field, property] of Object.entries(type.properties ?? {})) {
        assert.strictEqual(property.type, "string", field);
        assert.ok(property.description, `${field} has a description`);
      }
    }
    assert.deepStrictEqual(Object.keys(vault.properties).sort(), [
      "resourceGroupName",
      "vaultId",
      "vaultName",
      "vaultUri",
    ]);
  });

  it("carries the doc comments as text (no `{@link}` object rendered as [object Object])", () => {
    assert.doesNotMatch(JSON.stringify(schema), /\[object Object\]/);
  });
});
