import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { assertCompiledUpToDate, staleSources } from "../../policy/lib/compiled";

/** A pack layout under a temporary directory, every compiled file one minute newer. */
function makePack(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "compiled-pack-"));
  const files = ["index.ts", "lib/iso8601.ts", "policies/credential-max-lifetime.ts"];
  const past = new Date("2026-11-01T00:00:00Z");
  const later = new Date("2026-11-01T00:01:00Z");
  for (const rel of files) {
    const source = path.join(dir, rel);
    const compiled = path.join(dir, "bin", rel.replace(/\.ts$/, ".js"));
    fs.mkdirSync(path.dirname(source), { recursive: true });
    fs.mkdirSync(path.dirname(compiled), { recursive: true });
    fs.writeFileSync(source, "export {};\n");
    fs.writeFileSync(compiled, '"use strict";\n');
    fs.utimesSync(source, past, past);
    fs.utimesSync(compiled, later, later);
  }
  fs.writeFileSync(path.join(dir, "lib", "types.d.ts"), "export {};\n");
  return dir;
}

describe("compiled pack freshness (policy/lib/compiled.ts)", () => {
  let dir: string;
  beforeEach(() => (dir = makePack()));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("accepts a pack whose every compiled file is newer than its source", () => {
    assert.deepStrictEqual(staleSources(dir, path.join(dir, "bin")), []);
    assert.doesNotThrow(() => assertCompiledUpToDate(path.join(dir, "bin", "index.js")));
  });

  it("refuses to start when a source was edited after the build, naming it and the fix", () => {
    const edited = path.join(dir, "policies", "credential-max-lifetime.ts");
    const now = new Date("2026-11-02T00:00:00Z");
    fs.utimesSync(edited, now, now);
    assert.deepStrictEqual(staleSources(dir, path.join(dir, "bin")), [
      "policies/credential-max-lifetime.ts",
    ]);
    assert.throws(
      () => assertCompiledUpToDate(path.join(dir, "bin", "index.js")),
      (e: Error) =>
        e.message.includes("older than its sources (policies/credential-max-lifetime.ts)") &&
        e.message.includes("npm run build"),
    );
  });

  it("counts a source without compiled file (a new policy) as stale", () => {
    fs.writeFileSync(path.join(dir, "policies", "new-policy.ts"), "export {};\n");
    assert.deepStrictEqual(staleSources(dir, path.join(dir, "bin")), ["policies/new-policy.ts"]);
  });

  it("does nothing when the pack runs from its TypeScript sources", () => {
    fs.rmSync(path.join(dir, "bin"), { recursive: true });
    assert.doesNotThrow(() => assertCompiledUpToDate(path.join(dir, "index.ts")));
  });
});
