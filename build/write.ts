import {
  closeSync,
  fchmodSync,
  fchownSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
  type Stats,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { DashboardError } from "../errors";

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException).code ?? (error as Error).message;

function statOrUndefined(stat: (path: string) => Stats, path: string): Stats | undefined {
  try {
    return stat(path);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined;
    throw new DashboardError(`--out ${path}`, `cannot write the file (${errorCode(error)})`);
  }
}

/**
 * Writes `content` to `path` the way its kind allows, never replacing anything but a regular file:
 * a regular file (or a new one) all or nothing, through a temp file and a rename, keeping its mode and
 * owner; a symbolic link's target the same way; a FIFO or character device (`/dev/stdout`) directly, as
 * `tee` would; `-` is standard output. A folder, socket or block device is refused.
 */
export function writeOutput(path: string, content: string): "file" | "stream" {
  if (path === "-") {
    writeDirectly(path, content, 1);
    return "stream";
  }
  const target = statOrUndefined(statSync, path);
  if (target && isStandardOutput(target)) {
    // `/dev/stdout` may be a socket or pipe that open() refuses; it is fd 1 either way.
    writeDirectly(path, content, 1);
    return "stream";
  }
  if (!target) {
    if (statOrUndefined(lstatSync, path)?.isSymbolicLink())
      throw new DashboardError(`--out ${path}`, "a symbolic link to a file that does not exist", "create it first");
    writeAtomically(path, content);
    return "file";
  } else if (target.isFile()) {
    const real = statOrUndefined(lstatSync, path)?.isSymbolicLink() ? realpathSync(path) : path;
    writeAtomically(real, content, target);
    return "file";
  } else if (target.isFIFO() || target.isCharacterDevice()) {
    writeDirectly(path, content);
    return "stream";
  } else {
    const kind = target.isDirectory() ? "a folder" : target.isSocket() ? "a socket" : "a block device";
    throw new DashboardError(
      `--out ${path}`,
      `cannot write the file (${target.isDirectory() ? "EISDIR" : "EINVAL"}): it is ${kind}`,
    );
  }
}

function isStandardOutput(target: Stats): boolean {
  try {
    const stdout = fstatSync(1);
    return stdout.dev === target.dev && stdout.ino === target.ino;
  } catch {
    return false;
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

function writeDirectly(path: string, content: string, open?: number): void {
  let fd = open;
  try {
    fd ??= openSync(path, "w");
    const bytes = Buffer.from(content);
    // A pipe or socket may take part of it at a time, or none for a moment (EAGAIN on a non-blocking fd).
    for (let written = 0; written < bytes.length;) {
      try {
        written += writeSync(fd, bytes, written);
      } catch (error) {
        if (errorCode(error) !== "EAGAIN") throw error;
        Atomics.wait(pause, 0, 0, 5); // the reader is behind: wait for it rather than spin
      }
    }
  } catch (error) {
    // `build --out - | head`: the reader has what it wanted; like `cat`, stop without a complaint.
    if (fd === 1 && errorCode(error) === "EPIPE") return;
    throw new DashboardError(`--out ${path}`, `cannot write the file (${errorCode(error)})`);
  } finally {
    if (fd !== undefined && fd !== open) closeSync(fd);
  }
}

/**
 * Writes all of `content` or nothing: a temp file beside the target, then a rename, so a reader
 * (or Grafana's provisioning) never sees half a dashboard. `existing`: the file replaced, whose mode
 * and owner the new one keeps; a new file gets `mode` (0600 for a secret, which no reader may see in between).
 */
export function writeAtomically(path: string, content: string, existing?: Stats, mode = 0o644): void {
  const folder = dirname(path);
  let folderStat;
  try {
    folderStat = statSync(folder);
  } catch {
    throw new DashboardError(`--out ${path}`, `folder ${folder} does not exist`, "create it first");
  }
  if (!folderStat.isDirectory()) throw new DashboardError(`--out ${path}`, `${folder} is not a folder`);

  const temp = join(folder, `.${basename(path)}.${process.pid}.tmp`);
  try {
    const fd = openSync(temp, "wx", mode);
    try {
      if (existing) {
        fchmodSync(fd, existing.mode & 0o7777);
        if (existing.uid !== process.getuid?.() || existing.gid !== process.getgid?.())
          fchownSync(fd, existing.uid, existing.gid);
      }
      writeSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    const reason = errorCode(error);
    const hint =
      reason === "EPERM" && existing ? `it belongs to uid ${existing.uid}; write it as that user` : undefined;
    throw new DashboardError(`--out ${path}`, `cannot write the file (${reason})`, hint);
  }
}
