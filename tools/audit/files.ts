/**
 * The audit's file access: input files read only when they are regular files of bounded size
 * (never waited on: a FIFO or a device is refused at once), report files written without following
 * a symbolic link and only as regular files. One line naming the file on any failure.
 */
import * as fs from "fs";
import { AuditInputError, messageOf } from "./errors";

/**
 * Reads a text file: UTF-8 (a byte order mark is dropped) or UTF-16LE with its byte order mark
 * (what Windows PowerShell 5's `>` writes). Only a regular file (after following links) of at most
 * `maxBytes`: the file is opened without blocking (a FIFO with no writer would otherwise wait
 * forever) and checked on the open descriptor, so what is read is what was checked; at most
 * `maxBytes + 1` bytes are ever read, even from a file that grows.
 *
 * @param name how messages name it (the path as given, or the option and path)
 * @param limit the size cap and what the file is (`a tenant export`), for messages
 * @throws AuditInputError `<name>: cannot read (<reason>)`, `<name>: cannot read: a FIFO (named
 *   pipe), not a regular file; …` or `<name>: cannot read: <size>, larger than the limit of …`
 */
export function readText(
  file: string,
  name: string,
  limit: { maxBytes: number; what: string },
): string {
  const bytes = readRegularFile(file, name, limit);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString("utf16le");
  const text = bytes.toString("utf8");
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** {@link readText}'s bytes. */
function readRegularFile(
  file: string,
  name: string,
  { maxBytes, what }: { maxBytes: number; what: string },
): Buffer {
  const cannot = (reason: string) => new AuditInputError(`${name}: cannot read${reason}`);
  const notRegular = (kind: string) =>
    cannot(
      `: ${kind}, not a regular file; the audit reads regular files of at most ${formatBytes(maxBytes)}`,
    );
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EISDIR") throw notRegular("a directory");
    throw cannot(` (${code === "ENOENT" ? "no such file" : messageOf(error)})`);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw notRegular(fileKind(stat));
    if (stat.size > maxBytes) {
      throw cannot(
        `: ${formatBytes(stat.size)}, larger than the limit of ${formatBytes(maxBytes)} for ${what}`,
      );
    }
    // Never more than one byte past the limit: a file that grew since fstat is caught too.
    let buffer = Buffer.allocUnsafe(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > maxBytes) {
          throw cannot(`: more than ${formatBytes(maxBytes)}, the limit for ${what}`);
        }
        const bigger = Buffer.allocUnsafe(Math.min(buffer.length * 2, maxBytes + 1));
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
      const n = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    return buffer.subarray(0, length);
  } catch (error) {
    if (error instanceof AuditInputError) throw error;
    throw cannot(` (${messageOf(error)})`);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes a report file (`--markdown`, `--ics`): opened without following a symbolic link
 * (O_NOFOLLOW) and without blocking (a FIFO is refused, not waited on), written only if it is a
 * regular file (an existing one is replaced). Its folder must exist.
 *
 * @throws AuditInputError `<option> <file>: cannot write (<reason>)`
 */
export function writeReport(option: string, file: string, content: string): void {
  const { O_WRONLY, O_CREAT, O_NONBLOCK } = fs.constants;
  const noFollow = fs.constants.O_NOFOLLOW ?? 0;
  const cannot = (reason: string) =>
    new AuditInputError(`${option} ${file}: cannot write (${reason})`);
  let fd: number;
  try {
    fd = fs.openSync(file, O_WRONLY | O_CREAT | O_NONBLOCK | noFollow, 0o666);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ELOOP")
      throw cannot("a symbolic link; the audit does not follow links it writes to");
    if (code === "ENOENT") throw cannot("no such folder");
    if (code === "EISDIR") throw cannot("a directory");
    if (code === "ENXIO") throw cannot("a FIFO (named pipe) without a reader, not a regular file");
    throw cannot(messageOf(error).split("\n")[0]);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw cannot(`${fileKind(stat)}, not a regular file`);
    fs.ftruncateSync(fd, 0);
    fs.writeFileSync(fd, content);
  } catch (error) {
    if (error instanceof AuditInputError) throw error;
    throw cannot(messageOf(error).split("\n")[0]);
  } finally {
    fs.closeSync(fd);
  }
}

/** What a file that is not a regular file is, for messages. */
function fileKind(stat: fs.Stats): string {
  if (stat.isDirectory()) return "a directory";
  if (stat.isFIFO()) return "a FIFO (named pipe)";
  if (stat.isCharacterDevice()) return "a character device";
  if (stat.isBlockDevice()) return "a block device";
  if (stat.isSocket()) return "a socket";
  return "not a file";
}

/** `100 bytes`, `1 MiB`, `500 MiB`, `1.2 GiB`. */
function formatBytes(bytes: number): string {
  const units: [number, string][] = [
    [2 ** 30, "GiB"],
    [2 ** 20, "MiB"],
    [2 ** 10, "KiB"],
  ];
  for (const [size, unit] of units) {
    if (bytes >= size) {
      const value = bytes / size;
      return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
    }
  }
  return `${bytes} bytes`;
}
