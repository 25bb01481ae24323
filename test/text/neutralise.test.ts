/** Values from a tenant or a stack cannot drive the terminal of whoever reads them. */
import * as assert from "assert";
import { hasUnsafeCharacters, neutralise } from "../../tools/offline/text/neutralise";

describe("neutralise: control and bidi characters shown escaped", () => {
  const cases: [string, string, string][] = [
    ["clear screen", "app\u001b[2J", "app\\u{1b}[2J"],
    ["OSC title", "\u001b]0;pwned\u0007name", "\\u{1b}]0;pwned\\u{7}name"],
    ["colour", "\u001b[31mred\u001b[0m", "\\u{1b}[31mred\\u{1b}[0m"],
    ["carriage return overwrite", "good\rbad", "good\\u{d}bad"],
    ["newline", "two\nlines", "two\\u{a}lines"],
    ["C1 CSI", "x\u009b2J", "x\\u{9b}2J"],
    ["right-to-left override", "invoice\u202Egpj.exe", "invoice\\u{202e}gpj.exe"],
    ["isolate", "a\u2066b\u2069", "a\\u{2066}b\\u{2069}"],
    ["zero width", "pay\u200broll", "pay\\u{200b}roll"],
    ["BOM", "\ufeffname", "\\u{feff}name"],
    ["a backslash stays distinguishable", "a\\u{1b}", "a\\\\u{1b}"],
    ["plain text unchanged, accents and CJK included", "Café 東京 — app-1", "Café 東京 — app-1"],
  ];
  for (const [what, input, shown] of cases) {
    it(what, () => {
      assert.strictEqual(neutralise(input), shown);
      // eslint-disable-next-line no-control-regex
      assert.ok(!/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(neutralise(input)));
    });
  }

  it("says whether a text needs it (a backslash alone does not)", () => {
    assert.strictEqual(hasUnsafeCharacters("plain"), false);
    assert.strictEqual(hasUnsafeCharacters("a\\b"), false);
    assert.strictEqual(hasUnsafeCharacters("a\u001bb"), true);
    assert.strictEqual(hasUnsafeCharacters("a\u202eb"), true);
  });
});
