/**
 * The contract with the SDKs' internals: every internal of @pulumi/pulumi the offline engine reaches
 * for (tools/offline/sdkInternals.ts) and every internal of @pulumi/policy the pack reaches for
 * (policy/core/unknowns.ts) exists with the shape those modules assume, in the installed versions.
 * An SDK upgrade that moves one fails here, by name, instead of the simulation silently recording
 * nothing or the pack's unknown-value handling silently turning into violations.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type * as Pulumi from "@pulumi/pulumi";
import {
  PINNED_PULUMI_VERSION,
  configSecretReader,
  debuggableModule,
  isMockMonitor,
  mockMonitor,
  resourceStatics,
  rpcConstants,
  rpcWaiter,
  runtimeStore,
} from "../../tools/offline/sdkInternals";
import { SECRET_SIG, SPECIAL_SIG_KEY, UNKNOWN } from "../../tools/offline/analyzer/sentinels";
import { SIG_KEY } from "../../tools/offline/simulator/wire";
import {
  PULUMI_TYPE_PROPERTY,
  UNKNOWN_SENTINELS,
  getPulumiType,
  isUnknownValueError,
  policySdkInternals,
  unknownCheckingProxy,
  unknownValueErrorClass,
} from "../../policy/core";

const ROOT = path.resolve(__dirname, "..", "..");

/** The `version` of an installed package, as Node resolves it from `from`. */
function installedVersion(name: string, from: string): string {
  const manifest = require.resolve(`${name}/package.json`, { paths: [from] });
  return (JSON.parse(fs.readFileSync(manifest, "utf8")) as { version: string }).version;
}

/** A dependency's range in a workspace's package.json. */
function pinned(workspace: string, name: string): string | undefined {
  const manifest = JSON.parse(
    fs.readFileSync(path.join(ROOT, workspace, "package.json"), "utf8"),
  ) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  // The root package takes @pulumi/pulumi as a peer (a program and the components share one SDK)
  // and pins the version it is developed and tested with as a devDependency.
  return manifest.dependencies?.[name] ?? manifest.devDependencies?.[name];
}

/** Names of the functions `prototype` (or its chain) has among `names`, missing ones listed. */
function missingMethods(prototype: object, names: string[]): string[] {
  const methods = prototype as Record<string, unknown>;
  return names.filter((name) => typeof methods[name] !== "function");
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const resourcePb = require("@pulumi/pulumi/proto/resource_pb") as Record<
  string,
  { prototype: object; PropertyDependencies?: { prototype: object } } | undefined
>;

describe("SDK internals contract (@pulumi/pulumi 3.248.0, @pulumi/policy 1.x)", () => {
  describe("the pinned versions", () => {
    it("@pulumi/pulumi 3.248.0 is pinned everywhere and installed", () => {
      assert.strictEqual(PINNED_PULUMI_VERSION, "3.248.0");
      for (const workspace of [".", "tools", "policy"]) {
        assert.strictEqual(pinned(workspace, "@pulumi/pulumi"), PINNED_PULUMI_VERSION, workspace);
      }
      for (const from of [ROOT, path.join(ROOT, "tools"), path.join(ROOT, "policy")]) {
        assert.strictEqual(installedVersion("@pulumi/pulumi", from), PINNED_PULUMI_VERSION, from);
      }
    });

    it("@pulumi/policy 1.x is installed for the pack", () => {
      assert.match(pinned("policy", "@pulumi/policy") ?? "", /^\^1\./);
      assert.match(installedVersion("@pulumi/policy", path.join(ROOT, "policy")), /^v?1\./);
    });
  });

  describe("@pulumi/pulumi, through tools/offline/sdkInternals.ts", () => {
    it("proto/resource_pb: the monitor messages the recording monitor reads", () => {
      const messages: Record<string, string[]> = {
        RegisterResourceRequest: [
          "getType",
          "getName",
          "getParent",
          "getCustom",
          "getProvider",
          "getObject",
          "getDependenciesList",
          "getPropertydependenciesMap",
          "getDeletebeforereplace",
          // The replacementTrigger option, which the mocks never see (tools/offline/simulator/stash.ts).
          "hasReplacementTrigger",
          "getReplacementTrigger",
        ],
        RegisterResourceResponse: ["getUrn", "getId", "getObject"],
        ReadResourceRequest: [
          "getType",
          "getName",
          "getParent",
          "getId",
          "getProvider",
          "getProperties",
          "getDependenciesList",
        ],
        ReadResourceResponse: ["getUrn", "getProperties"],
        RegisterResourceOutputsRequest: ["getUrn", "getOutputs"],
      };
      for (const [message, methods] of Object.entries(messages)) {
        const type = resourcePb[message];
        assert.ok(type, `proto/resource_pb exports ${message}`);
        assert.deepStrictEqual(missingMethods(type.prototype, methods), [], message);
      }
      const dependencies = resourcePb.RegisterResourceRequest?.PropertyDependencies;
      assert.ok(dependencies, "RegisterResourceRequest.PropertyDependencies");
      assert.deepStrictEqual(missingMethods(dependencies.prototype, ["getUrnsList"]), []);
    });

    it("runtime/mocks: getMonitor() under setMocks is the mock monitor the simulation wraps", () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks") as {
        MockMonitor: { prototype: object };
      };
      assert.ok(isMockMonitor(MockMonitor.prototype), "MockMonitor's wrapped calls");
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const pulumi = require("@pulumi/pulumi") as typeof Pulumi;
      pulumi.runtime.setMocks(
        { newResource: (args) => ({ id: args.name, state: args.inputs }), call: () => ({}) },
        "contract",
        "dev",
        true,
      );
      const monitor = mockMonitor(pulumi);
      assert.ok(monitor instanceof (MockMonitor as unknown as new () => object));
    });

    it("runtime/rpc: the wire constants the simulator and the harness copy", () => {
      const rpc = rpcConstants();
      assert.strictEqual(rpc.specialSigKey, SPECIAL_SIG_KEY);
      assert.strictEqual(rpc.specialSigKey, SIG_KEY);
      assert.strictEqual(rpc.specialSecretSig, SECRET_SIG);
      assert.strictEqual(rpc.unknownValue, UNKNOWN);
    });

    it("runtime/config: isConfigSecret reads which keys setAllConfig marked secret", () => {
      const isConfigSecret = configSecretReader();
      assert.ok(isConfigSecret, "runtime/config exports isConfigSecret");
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const pulumi = require("@pulumi/pulumi") as typeof Pulumi;
      pulumi.runtime.setAllConfig({ "contract:plain": "a", "contract:hidden": "b" }, [
        "contract:hidden",
      ]);
      assert.strictEqual(isConfigSecret("contract:hidden"), true);
      assert.strictEqual(isConfigSecret("contract:plain"), false);
      pulumi.runtime.setAllConfig({}, []);
    });

    it("runtime/settings and runtime/state: waitForRPCs and the store's project root", async () => {
      const waitForRpcs = rpcWaiter();
      assert.ok(waitForRpcs, "runtime/settings exports waitForRPCs");
      await waitForRpcs();
      const options = runtimeStore().settings.options;
      assert.strictEqual(typeof options, "object");
    });

    it("runtime/debuggable and resource: the hooks that skip stacks and source positions", () => {
      assert.strictEqual(typeof debuggableModule().debuggablePromise, "function");
      assert.strictEqual(typeof resourceStatics().callsites, "function");
    });
  });

  describe("@pulumi/policy, through policy/core/unknowns.ts", () => {
    it("UnknownValueError: a class of Error carrying the property path", () => {
      const UnknownValueError = unknownValueErrorClass();
      const error = new UnknownValueError(UNKNOWN, ["properties", "endDate"]);
      assert.ok(error instanceof Error);
      assert.deepStrictEqual(error.props, ["properties", "endDate"]);
      assert.ok(isUnknownValueError(error));
    });

    it("unknownCheckingProxy: reading an unknown value throws UnknownValueError", () => {
      const props = unknownCheckingProxy({ known: "x", endDate: UNKNOWN });
      assert.strictEqual(props.known, "x");
      assert.throws(() => props.endDate, unknownValueErrorClass());
    });

    it("getPulumiType: reads the __pulumiType property a policy function carries", () => {
      assert.strictEqual(PULUMI_TYPE_PROPERTY, "__pulumiType");
      const fn = Object.defineProperty(() => undefined, PULUMI_TYPE_PROPERTY, {
        value: "azuread:index/applicationPassword:ApplicationPassword",
      });
      assert.strictEqual(
        getPulumiType(fn),
        "azuread:index/applicationPassword:ApplicationPassword",
      );
      assert.strictEqual(
        getPulumiType(() => undefined),
        undefined,
      );
      assert.strictEqual(typeof policySdkInternals().getPulumiType, "function");
    });

    it("proxy.js: the unknown sentinels the rule core copies", () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const proxy = require("@pulumi/policy/proxy") as Record<string, unknown>;
      const sentinels = Object.entries(proxy)
        .filter(([name]) => /^unknown[A-Z]\w*Value$/.test(name))
        .map(([, value]) => value);
      assert.strictEqual(sentinels.length, 7);
      assert.deepStrictEqual(new Set(sentinels), UNKNOWN_SENTINELS);
    });
  });
});
