#!/usr/bin/env node
// Lists the stacks of the Pulumi project for the scheduled-rotation workflow (rotate.yml), from the
// project's stack files rather than a hand-written list: every `Pulumi.<stack>.yaml` beside
// Pulumi.yaml (or in its `stackConfigDir`) is a stack. A platform team shards a large catalogue by
// giving each stack its own `app-credentials:appSelector`; adding a stack file adds a matrix job.
//
//   node deploy/github-actions/stacks.mjs [--project-dir DIR] [--org ORG] [--stack NAME]
//
// Prints a JSON array of { name, ref, file } on one line (a GitHub Actions matrix):
// - name: the stack's own name, the last segment of `org/project/stack`; the engine names the
//   stack file after it (pulumi/pulumi sdk/go/common/workspace/paths.go, ProjectStackPath, called
//   with `Ref().Name()`), so `Pulumi.$STACK.yaml` is wrong for a qualified name;
// - ref: what `--stack` gets: `ORG/<project>/<name>` when --org is given (no dependency on the
//   identity's default organisation), otherwise the name, or the qualified name given with --stack;
// - file: the stack file, relative to the project directory.
// --stack NAME (`dev`, `org/dev` or `org/project/dev`) selects one stack, which must have a stack
// file (and, fully qualified, name this project); empty or absent: every stack. Exits 1 with a
// message on stderr when there is no stack or the named one has no stack file.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import process from "node:process";

function fail(message) {
  process.stderr.write(`stacks.mjs: ${message}\n`);
  process.exit(1);
}

function option(args, name) {
  const i = args.indexOf(name);
  if (i < 0) return "";
  if (i + 1 >= args.length) fail(`${name} needs a value`);
  return args[i + 1].trim();
}

/** A top-level scalar of Pulumi.yaml (`name:`, `stackConfigDir:`), without a YAML dependency. */
function topLevel(text, key) {
  const match = new RegExp(`^${key}:[ \\t]*(.*)$`, "m").exec(text);
  if (!match) return "";
  let value = match[1].replace(/[ \t]+#.*$/, "").trim();
  if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
  return value;
}

const args = process.argv.slice(2);
const projectDir = option(args, "--project-dir") || process.cwd();
const org = option(args, "--org");
const wanted = option(args, "--stack");

const projectFile = ["Pulumi.yaml", "Pulumi.yml"].find((f) => existsSync(join(projectDir, f)));
if (!projectFile) fail(`no Pulumi.yaml in ${projectDir}`);
const projectText = readFileSync(join(projectDir, projectFile), "utf8");
const project = topLevel(projectText, "name");
if (!project) fail(`${projectFile} has no name`);
const ext = projectFile.slice("Pulumi".length); // ".yaml": stack files share the project file's extension
const configDir = join(projectDir, topLevel(projectText, "stackConfigDir"));

const stackFile = new RegExp(`^Pulumi\\.([A-Za-z0-9_.-]+)${ext.replace(".", "\\.")}$`);
const names = existsSync(configDir)
  ? readdirSync(configDir)
      .map((f) => stackFile.exec(f)?.[1])
      .filter((n) => n !== undefined)
      .sort()
  : [];
const fileOf = (name) => relative(projectDir, join(configDir, `Pulumi.${name}${ext}`));
const refOf = (name) => (org ? `${org}/${project}/${name}` : name);

let stacks;
if (wanted) {
  const parts = wanted.split("/");
  if (parts.length > 3 || parts.some((p) => p === "")) {
    fail(`"${wanted}" is not a stack name (stack, org/stack or org/project/stack)`);
  }
  if (parts.length === 3 && parts[1] !== project) {
    fail(`"${wanted}" is a stack of project ${parts[1]}, not ${project}`);
  }
  const name = parts[parts.length - 1];
  if (!names.includes(name)) {
    fail(
      `no stack file ${fileOf(name)} for stack "${wanted}"; stacks: ${names.join(", ") || "none"}`,
    );
  }
  const ref = parts.length === 1 ? refOf(name) : wanted;
  stacks = [{ name, ref, file: fileOf(name) }];
} else {
  if (names.length === 0) fail(`no stack file (Pulumi.<stack>${ext}) in ${configDir}`);
  stacks = names.map((name) => ({ name, ref: refOf(name), file: fileOf(name) }));
}
process.stdout.write(`${JSON.stringify(stacks)}\n`);
