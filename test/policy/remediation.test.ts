/**
 * Every policy of the pack sets pulumi-policy's `remediationSteps` (the general fix, beside the
 * specific one each message carries) and `url` (its section of policy/README.md).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ALL_POLICIES } from "../../policy/policies";

const README = path.join(__dirname, "..", "..", "policy", "README.md");

/** GitHub's anchors of a Markdown file's headings (lower case, punctuation dropped, `-` for spaces). */
function anchors(markdown: string): Set<string> {
  const found = new Set<string>();
  for (const match of markdown.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    found.add(
      match[1]
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, "")
        .replace(/\s/g, "-"),
    );
  }
  return found;
}

describe("remediationSteps and url", () => {
  const readme = fs.readFileSync(README, "utf8");
  const headings = anchors(readme);

  it("policy/README.md's table lists every policy of the pack, with its default level", () => {
    const rows = [...readme.matchAll(/^\| `([a-z-]+)` +\| (mandatory|advisory) +\|/gm)].map((m) => [
      m[1],
      m[2],
    ]);
    assert.deepStrictEqual(
      rows,
      ALL_POLICIES.map((p) => [p.name, p.enforcementLevel]),
    );
    assert.strictEqual(ALL_POLICIES.length, 14);
  });

  for (const policy of ALL_POLICIES) {
    it(`${policy.name} sets remediationSteps and a url to its section of policy/README.md`, () => {
      assert.ok(
        typeof policy.remediationSteps === "string" && policy.remediationSteps.trim().length > 20,
        `${policy.name}: remediationSteps missing or empty`,
      );
      const url = policy.url ?? "";
      const match = /^policy\/README\.md#(.+)$/.exec(url);
      assert.ok(
        match,
        `${policy.name}: url ${JSON.stringify(url)} is not policy/README.md#<anchor>`,
      );
      assert.ok(
        headings.has(match[1]),
        `${policy.name}: policy/README.md has no heading #${match[1]}`,
      );
    });
  }
});
