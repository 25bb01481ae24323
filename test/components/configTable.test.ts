/** The configuration table in docs/configuration.md is the program's own (components/config/configTable.ts). */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { CONFIG_KEYS } from "../../components/config/configSource";
import { CONFIG_FIELDS, renderConfigTable, topLevelKey } from "../../components/config/configTable";

const DOC = path.join(__dirname, "..", "..", "docs", "configuration.md");

/** The cells of every row of the first Markdown table in the text (separator row left out). */
function tableRows(text: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith("|")) {
      if (rows.length > 0) break;
      continue;
    }
    // Split on unescaped pipes.
    const cells = line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim());
    if (cells.every((c) => /^-+$/.test(c))) continue;
    rows.push(cells);
  }
  return rows;
}

describe("the configuration table (docs/configuration.md)", () => {
  it("shows exactly the program's fields, shapes and defaults", () => {
    const documented = tableRows(fs.readFileSync(DOC, "utf8"));
    const expected = tableRows(renderConfigTable());
    assert.deepStrictEqual(
      documented,
      expected,
      `docs/configuration.md's table differs from components/config/configTable.ts; paste renderConfigTable()'s output there (then npx prettier --write docs/configuration.md)`,
    );
  });

  it("has a row for every key the program reads, and no row for a key it does not", () => {
    assert.deepStrictEqual(
      [...new Set(CONFIG_FIELDS.map(topLevelKey))].sort(),
      [...CONFIG_KEYS].sort(),
    );
  });
});
