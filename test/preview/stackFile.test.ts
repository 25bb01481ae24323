import * as assert from "assert";
import * as path from "path";
import { loadProject, loadStackFile } from "../../tools/offline/stackFile";

const ROOT = path.resolve(__dirname, "..", "..");

describe("Pulumi project files (tools/offline/stackFile.ts)", () => {
  it("names the tsconfig the CLI compiles with: Pulumi.yaml's tsconfig option", () => {
    const project = loadProject(ROOT);
    assert.strictEqual(project.project, "app-credentials");
    assert.strictEqual(project.main, path.join(ROOT, "index.ts"));
    assert.strictEqual(project.tsconfig, path.join(ROOT, "tsconfig.pulumi.json"));
  });

  it("falls back to tsconfig.json without the option, and a stack file carries the project", () => {
    const dir = path.join(ROOT, "test", "fixtures", "long-lived-secret");
    const stack = loadStackFile(dir, "test");
    assert.strictEqual(stack.tsconfig, path.join(dir, "tsconfig.json"));
    assert.strictEqual(stack.project, "fixture-long-lived");
    assert.strictEqual(stack.config["fixture-long-lived:displayName"], "Reporting (fixture)");
  });
});
