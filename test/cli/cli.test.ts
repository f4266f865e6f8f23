import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { projectRoot, runCli, useTempFolder } from "../support/build";

describe("akkoma-dashboards build", () => {
  const folder = useTempFolder("akkoma-dashboards-");

  it("writes the same bytes on every run, whatever the machine's time zone and locale", () => {
    const first = join(folder(), "first.json");
    const second = join(folder(), "second.json");
    expect(runCli(["build", "--out", first], { TZ: "UTC", LANG: "C" }).status).toBe(0);
    expect(runCli(["build", "--out", second], { TZ: "Pacific/Chatham", LANG: "de_DE.UTF-8" }).status).toBe(0);
    expect(readFileSync(second)).toEqual(readFileSync(first));
    // --out names one file: nothing else is written beside it.
    expect(readdirSync(folder()).sort()).toEqual(["first.json", "second.json"]);
  });

  it("refuses a missing folder in one line, naming it, and writes nothing", () => {
    const out = join(folder(), "missing", "dash.json");
    const result = runCli(["build", "--out", out]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `akkoma-dashboards: --out ${out}: folder ${join(folder(), "missing")} does not exist (create it first)\n`,
    );
    expect(existsSync(out)).toBe(false);
  });

  it("refuses a read-only file system, naming the file", () => {
    const result = runCli(["build", "--out", "/proc/akkoma-dashboard.json"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /^akkoma-dashboards: --out \/proc\/akkoma-dashboard\.json: cannot write the file \(\w+\)\n$/,
    );
  });

  it("names an unknown flag", () => {
    const result = runCli(["build", "--outt", join(folder(), "x.json")]);
    expect(result.status).not.toBe(0);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/Unknown argument: outt/);
  });

  it("names an unknown command", () => {
    const result = runCli(["biuld"]);
    expect(result.status).not.toBe(0);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/biuld/);
  });

  it("--help explains every command", () => {
    const result = runCli(["--help"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/build\s+Write every output/);
  });
});

// The published CLI ships as one file; the test harness (and Grafana's display code it runs) stays out.
describe("the CLI bundle", () => {
  it("leaves out the test harness and @grafana/data", async () => {
    const bundled = await build({
      entryPoints: [join(projectRoot, "dist", "cli", "cli.js")],
      bundle: true,
      platform: "node",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const inputs = Object.keys(bundled.metafile.inputs);
    expect(inputs.some((path) => path.startsWith("dist/cli/"))).toBe(true);
    expect(inputs.filter((path) => /node_modules\/@grafana\/data\/|^dist\/harness\//.test(path))).toEqual([]);
  });
});

describe("careless flags", () => {
  const folder = useTempFolder("careless-flags-");
  const version = (JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as { version: string }).version;

  it.each([["--version"], ["-v"]])("%s prints the version", (flag) => {
    expect(runCli([flag])).toEqual({ status: 0, stdout: `${version}\n`, stderr: "" });
  });

  it("a mistyped command gets a suggestion, exit 2", () => {
    const result = runCli(["chek"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      "akkoma-dashboards: Unknown command: chek. Did you mean check? (see akkoma-dashboards --help)\n",
    );
  });

  it("check --telemetry with --list is refused: a CI job written so would never check", () => {
    const result = runCli(["check", "--telemetry", join(folder(), "telemetry.ex"), "--list"]);
    expect(result).toEqual({
      status: 2,
      stdout: "",
      stderr:
        "akkoma-dashboards: --list: lists what the dashboard reads and checks nothing; run the check without --list\n",
    });
  });

  it("--api-body=maybe is refused, naming the flag, and writes nothing", () => {
    const out = join(folder(), "body.json");
    const result = runCli(["build", "--uid", "social", "--api-body=maybe", "--out", out]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('akkoma-dashboards: --api-body: takes no value, or true or false; got "maybe"\n');
    expect(existsSync(out)).toBe(false);
  });

  it("--recorded=maybe is refused, naming the flag", () => {
    const result = runCli(["build", "--recorded=maybe", "--out", join(folder(), "recorded.json")]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('akkoma-dashboards: --recorded: takes no value, or true or false; got "maybe"\n');
  });

  it("--api-body without --out is refused: the body would replace the rendered dashboard", () => {
    const uid = `test-api-body-${process.pid}`;
    const result = runCli(["build", "--uid", uid, "--api-body"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^akkoma-dashboards: --api-body: needs --out FILE \(/);
    expect(existsSync(join(projectRoot, "out", "rendered", `${uid}.json`))).toBe(false);
  });
});
