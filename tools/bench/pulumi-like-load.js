// Benchmark loader: compiles and loads a TypeScript program the way `pulumi up` does
// (@pulumi/pulumi cmd/run/run.js): ts-node registered with the tsconfig named by
// PULUMI_NODEJS_TSCONFIG_PATH (set by the language host from Pulumi.yaml's `tsconfig` runtime
// option; default tsconfig.json), type-checking unless that file's compilerOptions.noCheck is true
// (or PULUMI_NODEJS_TRANSPILE_ONLY says otherwise). Then requires argv[2]. Run from the project root.
"use strict";
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS loader */
const fs = require("fs");
const path = require("path");
const tsutils = require("@pulumi/pulumi/tsutils");
const tsNode = require("ts-node");
/* eslint-enable @typescript-eslint/no-require-imports */

const tsconfig = process.env.PULUMI_NODEJS_TSCONFIG_PATH ?? "tsconfig.json";
const env = process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
const transpileOnly = env
  ? env === "true"
  : tsutils.loadTypeScriptCompilerOptions(tsconfig).noCheck;
tsNode.register({
  transpileOnly,
  project: tsconfig,
  skipProject: !fs.existsSync(tsconfig),
  compilerOptions: {},
});
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the program, known at run time
require(path.resolve(process.argv[2]));
