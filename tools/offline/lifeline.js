/**
 * Preload (`node --require`) of every child process the tools start (program runs, the policy
 * pack; see ./childProcesses.ts): the child ends as soon as its parent is gone, however the parent
 * ended (SIGKILL, a crash), so that no run is left without its deadline and no pack serves forever.
 *
 * The parent hands the child one end of a pipe as file descriptor APP_CREDENTIALS_LIFELINE_FD and
 * never writes to it; the kernel closes the parent's end when the parent dies, and this end then
 * reads end-of-file. The pipe is unreferenced: it never keeps the child's event loop alive (a
 * program child relies on its loop emptying to detect a program that never settles).
 *
 * When the parent is gone, the child removes the scratch directory named in
 * APP_CREDENTIALS_ORPHAN_SCRATCH (only a directory directly in the OS's temporary directory whose
 * name starts with `app-credentials-`) and exits with 129, as a hang-up would. Plain JavaScript so
 * it loads without a compiler.
 */
"use strict";
const fd = Number(process.env.APP_CREDENTIALS_LIFELINE_FD);
const scratch = process.env.APP_CREDENTIALS_ORPHAN_SCRATCH;
// The child's own children (if the program starts any) must not take this pipe for theirs.
delete process.env.APP_CREDENTIALS_LIFELINE_FD;
delete process.env.APP_CREDENTIALS_ORPHAN_SCRATCH;
if (Number.isInteger(fd) && fd > 2) {
  /* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload */
  const fs = require("fs");
  const net = require("net");
  const os = require("os");
  const path = require("path");
  /* eslint-enable @typescript-eslint/no-require-imports */
  let gone = false;
  const parentGone = () => {
    if (gone) return;
    gone = true;
    if (
      scratch &&
      path.resolve(path.dirname(scratch)) === path.resolve(os.tmpdir()) &&
      path.basename(scratch).startsWith("app-credentials-")
    ) {
      try {
        fs.rmSync(scratch, { recursive: true, force: true });
      } catch {
        // Another orphaned run removed it first, or it cannot be removed: nothing more to do.
      }
    }
    process.exit(129);
  };
  let lifeline;
  try {
    lifeline = new net.Socket({ fd, readable: true, writable: false });
  } catch {
    // The descriptor is not a pipe from the parent (started by hand): nothing to watch.
  }
  if (lifeline) {
    lifeline.on("data", () => undefined);
    lifeline.on("end", parentGone);
    lifeline.on("close", parentGone);
    lifeline.on("error", parentGone);
    lifeline.unref();
  }
}
