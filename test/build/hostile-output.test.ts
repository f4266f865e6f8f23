// build --out never replaces a special file, writes through symlinks, keeps an existing file's mode and
// owner; standard output that cannot be written is one line, exit 2. Special files are made in a temp
// folder (never the real /dev); those that only root may make are skipped for anyone else (CI is root).
import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  closeSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { type Server, createServer } from "node:net";
import { join } from "node:path";
import { asRoot, cliPath, projectRoot, runCli, useTempFolder } from "../support/build";

const dashboard = () => readFileSync(join(projectRoot, "out", "grafana_dashboard.json"), "utf8");
const oneLine = (stderr: string) => expect(stderr.trim().split("\n")).toHaveLength(1);

describe("build --out on what is already there", () => {
  const folder = useTempFolder("hostile-out-");

  asRoot("make a device with mknod")("a character device is written to, never replaced by a regular file", () => {
    const device = join(folder(), "null");
    spawnSync("mknod", [device, "c", "1", "3"]);
    const result = runCli(["build", "--out", device]);
    expect(result.status).toBe(0);
    expect(lstatSync(device).isCharacterDevice()).toBe(true);
  });

  asRoot("make a device with mknod")("a full device: one line, exit 2, the device stays", () => {
    const device = join(folder(), "full");
    spawnSync("mknod", [device, "c", "1", "7"]);
    const result = runCli(["build", "--out", device]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`akkoma-dashboards: --out ${device}: cannot write the file (ENOSPC)\n`);
    expect(lstatSync(device).isCharacterDevice()).toBe(true);
  });

  it("a FIFO is written to as tee would, and stays a FIFO", async () => {
    const fifo = join(folder(), "fifo");
    spawnSync("mkfifo", [fifo]);
    const reader = spawn("cat", [fifo]);
    let read = "";
    reader.stdout.on("data", (chunk: Buffer) => (read += chunk.toString()));
    const done = new Promise((resolve) => reader.on("close", resolve));
    const result = runCli(["build", "--out", fifo]);
    await done;
    expect(result.status).toBe(0);
    expect(read).toBe(dashboard());
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it.each([["-"], ["/dev/stdout"]])("--out %s prints the dashboard", (out) => {
    const result = runCli(["build", "--out", out]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(dashboard());
  });

  it("--out - into a reader that stops early ends quietly, exit 0, as cat would", () => {
    const stderr = join(folder(), "stderr");
    const pipeline = `"${process.execPath}" "${cliPath}" build --out - 2>"${stderr}" | head -c 10 >/dev/null`;
    const result = spawnSync("bash", ["-c", `${pipeline}; exit "\${PIPESTATUS[0]}"`], { encoding: "utf8" });
    expect({ status: result.status, stderr: readFileSync(stderr, "utf8") }).toEqual({ status: 0, stderr: "" });
  });

  it("a folder is refused in one line", () => {
    const result = runCli(["build", "--out", folder()]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/: it is a folder\n$/);
    oneLine(result.stderr);
  });

  it("a socket is refused in one line", async () => {
    const path = join(folder(), "socket");
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(path, resolve));
    try {
      const result = runCli(["build", "--out", path]);
      expect(result.status).toBe(2);
      expect(result.stderr).toBe(`akkoma-dashboards: --out ${path}: cannot write the file (EINVAL): it is a socket\n`);
      expect(lstatSync(path).isSocket()).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("a symlink is written through: the link stays, its target gets the dashboard", () => {
    mkdirSync(join(folder(), "real"));
    const target = join(folder(), "real", "dashboard.json");
    writeFileSync(target, "old");
    const link = join(folder(), "link.json");
    symlinkSync(join("real", "dashboard.json"), link);
    expect(runCli(["build", "--out", link]).status).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(join("real", "dashboard.json"));
    expect(readFileSync(target, "utf8")).toBe(dashboard());
  });

  it("a symlink to nothing is refused, and stays", () => {
    const link = join(folder(), "dangling.json");
    symlinkSync("missing.json", link);
    const result = runCli(["build", "--out", link]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/a symbolic link to a file that does not exist/);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  asRoot("give a file to another user")("an existing file keeps its mode and owner", () => {
    const out = join(folder(), "dashboard.json");
    writeFileSync(out, "old");
    chmodSync(out, 0o600);
    chownSync(out, 4242, 4343);
    expect(runCli(["build", "--out", out]).status).toBe(0);
    const stat = statSync(out);
    expect([stat.mode & 0o7777, stat.uid, stat.gid]).toEqual([0o600, 4242, 4343]);
    expect(readFileSync(out, "utf8")).toBe(dashboard());
  });
});

describe("standard output that cannot be written", () => {
  const folder = useTempFolder("hostile-stdout-");

  asRoot("make a device with mknod").each([["metrics"], ["check", "--list"], ["--help"]])(
    "%s > a full device: one line, exit 2, no stack trace",
    (...args) => {
      const device = join(folder(), "full");
      spawnSync("mknod", [device, "c", "1", "7"]);
      const fd = openSync(device, "w");
      try {
        const result = spawnSync(process.execPath, [cliPath, ...args], {
          stdio: ["ignore", fd, "pipe"],
          encoding: "utf8",
        });
        if (args[0] === "--help") return; // yargs prints help itself; only the exit code below matters there
        expect(result.stderr).toBe("akkoma-dashboards: cannot write to standard output (ENOSPC)\n");
        expect(result.status).toBe(2);
      } finally {
        closeSync(fd);
      }
    },
  );
});

describe("flags given wrongly", () => {
  it.each([
    [["build", "--out", "a.json", "--out", "b.json"], "--out: given 2 times; give it once"],
    [["check", "--telemetry", "a", "--telemetry", "b"], "--telemetry: given 2 times; give it once"],
    [["build", "--out"], "Not enough arguments following: out"],
    [["check", "--metrics"], "Not enough arguments following: metrics"],
    [["check", "--json", "--telemetry", "x"], "--json: only used with --list (or run `metrics --json`)"],
    [
      ["check", "--metrics", "http://127.0.0.1:9/m", "--timeout", "1e300"],
      "--timeout: expected a number of seconds above 0 and at most 2147483",
    ],
    [
      ["check", "--metrics", "http://127.0.0.1:9/m", "--timeout", "2147484"],
      "--timeout: expected a number of seconds above 0 and at most 2147483",
    ],
    [["check", "--metrics", "http://127.0.0.1:9/m", "--timeout", "soon"], "--timeout: expected a number"],
  ])("%j: one line naming the flag, exit 2", (args, message) => {
    const result = runCli(args);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^akkoma-dashboards: ${message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
    oneLine(result.stderr);
  });
});

describe("a bug in the program", () => {
  // Breaks the pipeline from outside, as a bug inside it would: a TypeError, not a DashboardError.
  const broken = (...args: string[]) =>
    spawnSync(
      process.execPath,
      [
        "-e",
        `const e = require(${JSON.stringify(join(projectRoot, "dist", "build", "outputs.js"))});
         e.buildDashboardFile = async () => { null.panels; };
         require(${JSON.stringify(join(projectRoot, "dist", "cli", "cli.js"))}).run(process.argv.slice(1));`,
        ...args,
      ],
      { encoding: "utf8" },
    );

  it("says it is an internal error, how to report it, exit 70, no stack", () => {
    const result = broken("build", "--out", "-");
    expect(result.status).toBe(70);
    expect(result.stderr).toMatch(/^akkoma-dashboards: internal error, a bug in akkoma-dashboards/);
    expect(result.stderr).toMatch(/--debug/);
    expect(result.stderr).toMatch(/Please report it/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("--debug adds the stack", () => {
    const result = broken("build", "--out", "-", "--debug");
    expect(result.status).toBe(70);
    expect(result.stderr).toMatch(/\n\s+at /);
  });
});
