/**
 * Guards the compiled pack against running stale.
 *
 * The pack runs from JavaScript compiled by `tsc` into `bin/` (package.json `main`), because the
 * engine's `run-policy-pack` type-checks TypeScript with ts-node at every start, which made the
 * pack's cold start ~3× that of an empty pack (BENCHMARKS.md). Types are checked by the build
 * instead (`npm run build` in this directory; the repository's `npm ci` runs it through
 * `prepare`). A compiled file older than its source would enforce yesterday's rules without a
 * word, so the pack refuses to start instead; `pulumi policy publish` starts the pack before it
 * packs it, so a stale build is never published. The published tarball holds no sources
 * (package.json `files`), so an installed pack has nothing to compare and always starts.
 */
import * as fs from "fs";
import * as path from "path";

/**
 * The sources (relative paths, `/`-separated) whose compiled file in `outDir` is missing or older
 * than the source. Sources are the `.ts` files (not `.d.ts`) directly in `packDir` and under its
 * `core/`, `lib/` and `policies/` (the `include` of tsconfig.json).
 *
 * @param packDir the pack's directory (holds PulumiPolicy.yaml)
 * @param outDir the compiled output directory (`<packDir>/bin`)
 */
export function staleSources(packDir: string, outDir: string): string[] {
  const stale: string[] = [];
  const visit = (relDir: string, recurse: boolean) => {
    const dir = path.join(packDir, relDir);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (recurse) visit(rel, true);
      } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
        const compiled = path.join(outDir, rel.replace(/\.ts$/, ".js"));
        const sourceMs = fs.statSync(path.join(packDir, rel)).mtimeMs;
        const compiledMs = fs.existsSync(compiled) ? fs.statSync(compiled).mtimeMs : -Infinity;
        if (compiledMs < sourceMs) stale.push(rel);
      }
    }
  };
  visit("", false);
  for (const dir of ["core", "lib", "policies"]) {
    if (fs.existsSync(path.join(packDir, dir))) visit(dir, true);
  }
  return stale.sort();
}

/**
 * When this module runs compiled (from `<packDir>/bin`), throws if any source is newer than its
 * compiled file. Does nothing when run from the TypeScript sources (tests, ts-node).
 *
 * @param compiledIndex `__filename` of the pack's entry module
 * @throws Error naming the stale sources and the command that rebuilds them
 */
export function assertCompiledUpToDate(compiledIndex: string): void {
  const outDir = path.dirname(compiledIndex);
  if (!compiledIndex.endsWith(".js") || path.basename(outDir) !== "bin") return;
  const packDir = path.dirname(outDir);
  const stale = staleSources(packDir, outDir);
  if (stale.length > 0) {
    const shown = stale.slice(0, 5).join(", ") + (stale.length > 5 ? `, … (${stale.length})` : "");
    throw new Error(
      `app-credential-policies: the compiled pack in ${outDir} is older than its sources (${shown}); ` +
        `run \`npm run build\` in ${packDir} (or \`npm run build:policy\` at the project root)`,
    );
  }
}
