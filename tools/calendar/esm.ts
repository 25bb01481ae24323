/**
 * Loads the ESM-only chart libraries (vega 6, vega-lite 6) from this CommonJS project.
 *
 * TypeScript compiles `import()` to `require()` under `"module": "commonjs"`, and vega's module
 * graph has a top-level await, which `require()` refuses; so the native `import()` is reached
 * through `Function`, with the package resolved to an absolute file URL first.
 */
import { pathToFileURL } from "url";
import type * as Vega from "vega";
import type * as VegaLite from "vega-lite/build/index";

const nativeImport = new Function("specifier", "return import(specifier)") as (
  specifier: string,
) => Promise<unknown>;

async function load<T>(name: string): Promise<T> {
  return (await nativeImport(pathToFileURL(require.resolve(name)).href)) as T;
}

/** The `vega` module. */
export const loadVega = (): Promise<typeof Vega> => load<typeof Vega>("vega");
/** The `vega-lite` module. */
export const loadVegaLite = (): Promise<typeof VegaLite> => load<typeof VegaLite>("vega-lite");
