// All-or-none writes every command stands on: `build`'s outputs, `setup`'s files, `tune`'s values file.
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
import { constants } from "node:os";
import { basename, dirname, join } from "node:path";
import { inputsRead } from "./sources";
import { DashboardError } from "../errors";

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException).code ?? (error as Error).message;

/** A file to write, and how an error names it: `--out FILE` when the user named it, else its path. */
export interface OutputFile {
  readonly path: string;
  readonly content: string;
  readonly culprit?: string;
  /** The file's mode whether new or replaced (0600 for a secret, which no reader may see in between). */
  readonly mode?: number;
}

const culpritOf = (file: { path: string; culprit?: string }) => file.culprit ?? file.path;

function statOrUndefined(stat: (path: string) => Stats, path: string, culprit: string): Stats | undefined {
  try {
    return stat(path);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined;
    throw new DashboardError(culprit, `cannot write the file (${errorCode(error)})`);
  }
}

/** A file ready to be put in place: a regular file's temp file waits for its rename, a stream for its write. */
interface Staged {
  readonly path: string;
  readonly kind: "file" | "stream";
  commit(): void;
  discard(): void;
}

/**
 * Writes each file the way its kind allows, never replacing anything but a regular file: regular files
 * (new ones, or a symbolic link's target) all or none, each to a temp file beside it first and renamed
 * into place only when all are complete, keeping the mode and owner of the file replaced; a FIFO or
 * character device (`/dev/stdout`) directly, as `tee` would, before the rest; `-` is standard output.
 * A folder, socket or block device is refused. Returns what was written, streams first.
 */
export function writeFiles(files: readonly OutputFile[]): { path: string; kind: "file" | "stream" }[] {
  refuseInputs(files);
  const planned = files.map((file) => ({ file, stream: streamOf(file) }));
  const streams = planned.flatMap(({ stream }) => (stream ? [stream] : []));
  for (const stream of streams) stream.commit();
  const regular = planned.filter(({ stream }) => !stream).map(({ file }) => file);
  if (regular.length > 0) guardAgainstSignals();
  const staged: Staged[] = [];
  try {
    for (const file of regular) staged.push(stage(file));
  } catch (error) {
    for (const file of staged) file.discard();
    throw error;
  }
  const renamed: string[] = [];
  for (const [index, file] of staged.entries()) {
    try {
      file.commit();
    } catch (error) {
      for (const rest of staged.slice(index)) rest.discard();
      if (!(error instanceof DashboardError) || renamed.length === 0) throw error;
      throw new DashboardError(error.culprit, error.problem, `already written: ${renamed.join(", ")}`);
    }
    renamed.push(file.path);
    writtenSoFar.push(file.path);
  }
  return [...streams, ...staged].map(({ path, kind }) => ({ path, kind }));
}

const statIfAny = (path: string): Stats | undefined => {
  try {
    return path === "-" ? fstatSync(0) : statSync(path);
  } catch {
    return undefined;
  }
};

/**
 * Refuses, before anything is written, an output that is a file this process read (`--out` naming the
 * `--config`): the same file by device and inode, whatever the path (a symbolic or hard link, standard
 * input redirected from it). Both are looked at now: a path read and since deleted is no longer that file.
 */
function refuseInputs(files: readonly OutputFile[]): void {
  for (const file of files) {
    const target = file.path === "-" ? statIfAny("/dev/stdout") : statIfAny(file.path);
    if (!target?.isFile()) continue;
    for (const [input, flag] of inputsRead()) {
      const read = statIfAny(input);
      if (read?.isFile() && read.dev === target.dev && read.ino === target.ino)
        throw new DashboardError(
          culpritOf(file),
          `is the file read as ${flag}${input === "-" ? " (standard input)" : input === file.path ? "" : ` (${input})`}; writing it would replace what was read`,
          "write to another file",
        );
    }
  }
}

/** `file` as a stream written on commit, when it is one (`-`, a FIFO, a device); undefined for a regular file. */
function streamOf(file: OutputFile): Staged | undefined {
  const culprit = culpritOf(file);
  const direct = (fd?: number): Staged => ({
    path: file.path,
    kind: "stream",
    commit: () => writeDirectly(file.path, file.content, culprit, fd),
    discard: () => undefined,
  });
  if (file.path === "-") return direct(1);
  const target = statOrUndefined(statSync, file.path, culprit);
  // `/dev/stdout` may be a socket or pipe that open() refuses; it is fd 1 either way.
  if (target && isStandardOutput(target)) return direct(1);
  if (target && (target.isFIFO() || target.isCharacterDevice())) return direct();
  return undefined;
}

/** A regular file's content in a temp file beside it, renamed into place on commit. */
function stage(file: OutputFile): Staged {
  const culprit = culpritOf(file);
  const target = statOrUndefined(statSync, file.path, culprit);
  if (!target) {
    if (statOrUndefined(lstatSync, file.path, culprit)?.isSymbolicLink())
      throw new DashboardError(culprit, "a symbolic link to a file that does not exist", "create it first");
    return stageAtomically(file.path, file.content, culprit, undefined, file.mode);
  }
  if (target.isFile()) {
    const real = statOrUndefined(lstatSync, file.path, culprit)?.isSymbolicLink() ? realpathSync(file.path) : file.path;
    return { ...stageAtomically(real, file.content, culprit, target, file.mode), path: file.path };
  }
  const kind = target.isDirectory() ? "a folder" : target.isSocket() ? "a socket" : "a block device";
  throw new DashboardError(
    culprit,
    `cannot write the file (${target.isDirectory() ? "EISDIR" : "EINVAL"}): it is ${kind}`,
  );
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

/** Writes every byte or throws: a full disk or `ulimit -f` makes write() take less than it was given. */
function writeAll(fd: number, bytes: Buffer): void {
  for (let written = 0; written < bytes.length;) {
    let taken: number;
    try {
      taken = writeSync(fd, bytes, written);
    } catch (error) {
      if (errorCode(error) !== "EAGAIN") throw error;
      Atomics.wait(pause, 0, 0, 5); // a pipe's reader is behind: wait for it rather than spin
      continue;
    }
    if (taken === 0) throw Object.assign(new Error("ENOSPC"), { code: "ENOSPC" });
    written += taken;
  }
}

function writeDirectly(path: string, content: string, culprit: string, open?: number): void {
  let fd = open;
  try {
    fd ??= openSync(path, "w");
    writeAll(fd, Buffer.from(content));
  } catch (error) {
    // `build --out - | head`: the reader has what it wanted; like `cat`, stop without a complaint.
    if (fd === 1 && errorCode(error) === "EPIPE") return;
    throw new DashboardError(culprit, `cannot write the file (${errorCode(error)})`);
  } finally {
    if (fd !== undefined && fd !== open) closeSync(fd);
  }
}

/** Temp files not yet renamed or removed: a signal removes them before the process ends. */
const tempFiles = new Set<string>();
/** Files renamed into place by this process, for the line a signal prints. */
const writtenSoFar: string[] = [];
let guarded = false;

/**
 * Node runs a signal's listeners only between synchronous steps, and every write here is synchronous:
 * with listeners installed, SIGINT or SIGTERM waits until every file is renamed or none is, instead of
 * cutting the build between two renames; they then remove any temp file left and say what was written.
 */
function guardAgainstSignals(): void {
  if (guarded) return;
  guarded = true;
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      for (const temp of tempFiles) rmSync(temp, { force: true });
      const written = writtenSoFar.length > 0 ? `wrote ${writtenSoFar.join(", ")}` : "nothing written";
      process.stderr.write(`akkoma-dashboards: interrupted by ${signal}; ${written}\n`);
      process.exit(128 + constants.signals[signal]);
    });
  }
}

function stageAtomically(path: string, content: string, culprit: string, existing?: Stats, mode?: number): Staged {
  const folder = dirname(path);
  let folderStat;
  try {
    folderStat = statSync(folder);
  } catch {
    throw new DashboardError(culprit, `folder ${folder} does not exist`, "create it first");
  }
  if (!folderStat.isDirectory()) throw new DashboardError(culprit, `${folder} is not a folder`);

  const temp = join(folder, `.${basename(path)}.${process.pid}.tmp`);
  const discard = () => {
    rmSync(temp, { force: true });
    tempFiles.delete(temp);
  };
  const failed = (error: unknown) => {
    discard();
    const reason = errorCode(error);
    const hint =
      reason === "EPERM" && existing ? `it belongs to uid ${existing.uid}; write it as that user` : undefined;
    return new DashboardError(culprit, `cannot write the file (${reason})`, hint);
  };
  try {
    const fd = openSync(temp, "wx", mode ?? 0o644);
    tempFiles.add(temp);
    try {
      if (existing) {
        fchmodSync(fd, mode ?? existing.mode & 0o7777);
        if (existing.uid !== process.getuid?.() || existing.gid !== process.getgid?.())
          fchownSync(fd, existing.uid, existing.gid);
      }
      writeAll(fd, Buffer.from(content));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw failed(error);
  }
  const commit = () => {
    try {
      renameSync(temp, path);
      tempFiles.delete(temp);
    } catch (error) {
      throw failed(error);
    }
  };
  return { path, kind: "file", commit, discard };
}

/**
 * Writes all of `content` or nothing: a temp file beside the target, then a rename, so a reader
 * (or Grafana's provisioning) never sees half a dashboard. `existing`: the file replaced, whose mode
 * and owner the new one keeps.
 */
export function writeAtomically(path: string, content: string, existing?: Stats, culprit = `--out ${path}`): void {
  guardAgainstSignals();
  stageAtomically(path, content, culprit, existing).commit();
}
