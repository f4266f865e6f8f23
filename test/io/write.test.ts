// Writes that cannot lie: a full file system or a file size limit is an error that leaves the old files,
// a signal never leaves a temp file or half a build, and an output folder that cannot be made is one line.
// Everything happens in temp folders; the tmpfs is mounted in a private mount namespace.
import { type SpawnSyncOptions, spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  watch,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { writeAtomically, writeFiles } from "../../io/write";
import { readSource } from "../../io/sources";
import { outputs } from "../../config";
import { cliPath, useTempFolder } from "../support/build";

const committedOutputs = [
  outputs.importFile,
  outputs.layoutPicture,
  join(outputs.provisioningFolder, outputs.provisionedDashboard),
  join(outputs.provisioningFolder, outputs.provider),
  outputs.prometheusRules,
  outputs.dashboardRecordingRules,
  outputs.sloRules,
  ...["v2", "v2beta1"].map((form) => join(outputs.resourcesFolder, form, outputs.provisionedDashboard)),
  ...[
    "prometheus-rule",
    "vmrule",
    "prometheus-rule-dashboard-recordings",
    "vmrule-dashboard-recordings",
    "service-monitor",
    "vm-service-scrape",
    "grafana-dashboard",
    "grafana-manifest",
  ].map((name) => join(outputs.kubernetesFolder, `${name}.yaml`)),
];

/** A folder laid out like a clone's out/, every output holding "old". */
function oldOutputs(folder: string): void {
  for (const file of committedOutputs) {
    mkdirSync(join(folder, dirname(file)), { recursive: true });
    writeFileSync(join(folder, file), "old");
  }
}

const contents = (folder: string) => committedOutputs.map((file) => readFileSync(join(folder, file), "utf8"));

/** Every file under `folder`, temp files included (they start with a dot). */
const allFiles = (folder: string): string[] =>
  readdirSync(folder, { recursive: true, encoding: "utf8" }).filter((name) => !name.endsWith("/"));

const tempFilesIn = (folder: string) => allFiles(folder).filter((name) => name.endsWith(".tmp"));

/** The CLI in `folder`, through bash so a limit (`ulimit -f`) can be set first. */
function cliIn(folder: string, args: string[], before = "", options: SpawnSyncOptions = {}, cli = cliPath) {
  const command = `${before}exec "$0" "$@"`;
  const result = spawnSync("bash", ["-c", command, process.execPath, cli, ...args], {
    cwd: folder,
    encoding: "utf8",
    ...options,
  });
  return { status: result.status, stdout: String(result.stdout), stderr: String(result.stderr) };
}

const oneLine = (stderr: string) => expect(stderr.trimEnd().split("\n")).toHaveLength(1);

describe("a write the file system cuts short", () => {
  const folder = useTempFolder("write-limit-");

  // 32 blocks of 1 KiB: the dashboard is larger, so write() takes only part of it.
  const fileSizeLimit = "ulimit -f 32 && ";

  it("--out over a file size limit: exit 2 naming the file, the old file stays, no temp file", () => {
    const out = join(folder(), "dashboard.json");
    writeFileSync(out, "old");
    const result = cliIn(folder(), ["build", "--out", out], fileSizeLimit);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`akkoma-dashboards: --out ${out}: cannot write the file (EFBIG)\n`);
    expect(readFileSync(out, "utf8")).toBe("old");
    expect(tempFilesIn(folder())).toEqual([]);
  });

  it("a full build over a file size limit replaces none of the outputs, and names the file", () => {
    oldOutputs(folder());
    const result = cliIn(folder(), ["build"], fileSizeLimit);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`akkoma-dashboards: ${outputs.importFile}: cannot write the file (EFBIG)\n`);
    expect(result.stdout).toBe("");
    expect(contents(folder())).toEqual(committedOutputs.map(() => "old"));
    expect(tempFilesIn(folder())).toEqual([]);
  });

  const canMount = spawnSync("unshare", ["-rm", "true"]).status === 0;
  (canMount ? it : it.skip)(
    "a full tmpfs (in a private mount namespace) replaces none of the outputs, exit 2 with ENOSPC" +
      (canMount ? "" : " [skipped: `unshare -rm` fails here; it needs user namespaces to mount without root]"),
    () => {
      // The mount lives only in the namespace, so the script reports what it holds afterwards.
      // Each old output takes a page (4 KiB): room for them all, not for the import file written first.
      const script = [
        `mount -t tmpfs -o size=${(committedOutputs.length + 4) * 4}k tmpfs "$PWD"`,
        'cd "$PWD"',
        `for f in ${committedOutputs.join(" ")}; do mkdir -p "$(dirname "$f")"; printf old > "$f"; done`,
        '"$0" "$@" build',
        'echo "status=$?"',
        `for f in ${committedOutputs.join(" ")}; do echo "$f=$(head -c 3 "$f")"; done`,
        'find . -name "*.tmp" -printf "temp=%p\\n"',
      ].join("; ");
      const result = spawnSync("unshare", ["-rm", "bash", "-c", script, process.execPath, cliPath], {
        cwd: folder(),
        encoding: "utf8",
      });
      expect(result.stderr).toBe(`akkoma-dashboards: ${outputs.importFile}: cannot write the file (ENOSPC)\n`);
      expect(result.stdout.trim().split("\n")).toEqual(["status=2", ...committedOutputs.map((file) => `${file}=old`)]);
    },
  );
});

describe("a rename that fails", () => {
  const folder = useTempFolder("akkoma-rename-");

  it("leaves no temp file behind", () => {
    const out = join(folder(), "taken");
    mkdirSync(join(out, "not-empty"), { recursive: true });
    expect(() => writeAtomically(out, "{}")).toThrow(/--out .*taken: cannot write the file \(\w+\)/);
    expect(readdirSync(folder())).toEqual(["taken"]);
    expect(readdirSync(out)).toEqual(["not-empty"]);
  });
});

describe("a build interrupted by a signal", () => {
  const folder = useTempFolder("write-signal-");
  // Where a signal lands is a race with the process's own exit (it may land after the handler is gone);
  // a signal the CLI mishandles fails every try.
  jest.retryTimes(2, { logErrorsBeforeRetry: true });

  /** Runs a full build and sends `signal` as soon as its first temp file appears. */
  async function interrupt(signal: NodeJS.Signals) {
    const out = join(folder(), dirname(outputs.importFile));
    const child = spawn(process.execPath, [cliPath, "build"], { cwd: folder() });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    let sent = false;
    const watcher = watch(out, (_, name) => {
      if (!sent && name?.endsWith(".tmp")) sent = child.kill(signal);
    });
    const [status, killedBy] = await new Promise<[number | null, string | null]>((resolve) =>
      child.on("close", (code, by) => resolve([code, by])),
    );
    watcher.close();
    return { sent, status, killedBy, stdout, stderr };
  }

  it.each(["SIGTERM", "SIGINT"] as const)(
    "%s during the writes: no temp file, every output new or every output old, and says which",
    async (signal) => {
      // Where the signal lands varies; a few tries make sure some land mid-way.
      for (let attempt = 0; attempt < 3; attempt++) {
        oldOutputs(folder());
        const run = await interrupt(signal);
        expect(tempFilesIn(folder())).toEqual([]);
        expect(run.killedBy).toBeNull();
        const written = contents(folder()).map((text) => text !== "old");
        const all = written.every(Boolean);
        expect(all || written.every((w) => !w)).toBe(true);
        if (run.status === 0) {
          // The signal came as the last rename was done, and the process ended before handling it.
          expect(all).toBe(true);
          expect(
            run.stdout
              .split("\n")
              .filter(Boolean)
              .map((line) => line.split(" ")[1]),
          ).toEqual(committedOutputs);
          continue;
        }
        expect(run.sent).toBe(true);
        expect(run.status).toBe(signal === "SIGINT" ? 130 : 143);
        const said = all ? `wrote ${committedOutputs.join(", ")}` : "nothing written";
        expect(run.stderr).toBe(`akkoma-dashboards: interrupted by ${signal}; ${said}\n`);
      }
    },
    60_000,
  );
});

describe("an output that is also an input", () => {
  const folder = useTempFolder("write-input-");
  const values = () => join(folder(), "values.yaml");
  beforeEach(() => writeFileSync(values(), "job: akkoma\n"));

  it.each([
    ["the same path", () => "values.yaml", ""],
    ["a symbolic link to it", (path: string) => (symlinkSync(path, `${path}.link`), `${path}.link`), " (values.yaml)"],
    ["a hard link to it", (path: string) => (linkSync(path, `${path}.hard`), `${path}.hard`), " (values.yaml)"],
  ])("build --out naming the --config by %s is refused before writing", (_, outOf, said) => {
    const out = outOf(values());
    const result = cliIn(folder(), ["build", "--config", "values.yaml", "--out", out]);
    expect(result).toEqual({
      status: 2,
      stdout: "",
      stderr: `akkoma-dashboards: --out ${out}: is the file read as --config${said}; writing it would replace what was read (write to another file)\n`,
    });
    expect(readFileSync(values(), "utf8")).toBe("job: akkoma\n");
  });

  it("standard input redirected from the file named by --out is refused", () => {
    const result = cliIn(folder(), ["build", "--config", "-", "--out", "values.yaml"], "exec < values.yaml; ");
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--out values\.yaml: is the file read as --config \(standard input\)/);
    expect(readFileSync(values(), "utf8")).toBe("job: akkoma\n");
  });

  it("any command's write (tune --write-values over its --token-file) is refused, nothing written", async () => {
    writeFileSync(join(folder(), "token"), "secret\n", { mode: 0o600 });
    await readSource(join(folder(), "token"), "--token-file expects a token");
    const write = () =>
      writeFiles([{ path: join(folder(), "token"), content: "job: x\n", culprit: "--write-values token" }]);
    expect(write).toThrow("--write-values token: is the file read as --token-file; writing it would replace");
    expect(readFileSync(join(folder(), "token"), "utf8")).toBe("secret\n");
  });

  it("a new file, or a file that merely has the same name elsewhere, is written", () => {
    const other = join(folder(), "other");
    mkdirSync(other);
    const result = cliIn(other, ["build", "--config", values(), "--out", "values.yaml"]);
    expect(result.status).toBe(0);
  });
});

describe("an output folder that cannot be made", () => {
  const folder = useTempFolder("write-folder-");

  it("build in a folder without out/ refuses, and creates nothing there", () => {
    const result = cliIn(folder(), ["build"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      "akkoma-dashboards: out/: no such folder here (run build in the akkoma-dashboards clone, create out/ here first, or name the file with --out)\n",
    );
    expect(readdirSync(folder())).toEqual([]);
  });

  it("./out being a file: one line, exit 2", () => {
    writeFileSync(join(folder(), "out"), "");
    const result = cliIn(folder(), ["build", "--uid", "social"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe("akkoma-dashboards: out/: is not a folder\n");
  });

  // root writes anywhere: run the CLI as nobody then, the folder still root's. The clone may lie under
  // a folder only its owner may enter (as `mktemp -d` makes them): nobody runs a copy of the bundle.
  const asRoot = process.getuid?.() === 0;
  const nobody = { uid: 65534, gid: 65534 };
  const copied = asRoot ? cliCopyFor(nobody) : { cli: cliPath };
  afterAll(() => copied.folder && rmSync(copied.folder, { recursive: true, force: true }));

  (copied.cli ? it : it.skip)(
    "a read-only out/ (as a user who may not write it): one line naming the folder, exit 2" +
      (copied.cli ? "" : ` [skipped: ${copied.why}]`),
    () => {
      mkdirSync(join(folder(), "out"));
      chmodSync(folder(), 0o755);
      chmodSync(join(folder(), "out"), 0o555);
      const result = cliIn(folder(), ["build", "--uid", "social"], "", asRoot ? nobody : {}, copied.cli);
      expect(result.status).toBe(2);
      expect(result.stderr).toBe("akkoma-dashboards: out/rendered/: cannot create the folder (EACCES)\n");
      oneLine(result.stderr);
      expect(existsSync(join(folder(), "out", "rendered"))).toBe(false);
    },
  );
});

/** The CLI bundle (one self-contained file) copied where `user` can run it, or why it cannot be. */
function cliCopyFor(user: { uid: number; gid: number }): { cli?: string; folder?: string; why?: string } {
  const folder = mkdtempSync(join(tmpdir(), "akkoma-cli-"));
  chmodSync(folder, 0o755);
  const cli = join(folder, "akkoma-dashboards.js");
  copyFileSync(cliPath, cli);
  chmodSync(cli, 0o755);
  const tried = spawnSync(process.execPath, [cli, "--version"], { ...user, encoding: "utf8" });
  if (tried.status === 0) return { cli, folder };
  rmSync(folder, { recursive: true, force: true });
  return { why: `uid ${user.uid} cannot run ${process.execPath} or reach ${tmpdir()}` };
}
