// The package as Akkoma's CI would get it: packed, installed offline into an empty folder, run from there.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type InstalledPackage, healthyScrape, packAndInstall } from "../harness/installed-package";
import { parse } from "yaml";
import { dashboard as settings, outputs } from "../config";
import { projectRoot } from "./support/build";
import { referenceDashboard } from "./check/foreign-fixtures";

jest.setTimeout(240_000);

describe("the packed package, installed into an empty folder", () => {
  // packed once: packing compiles the project, half a minute
  const folder = mkdtempSync(join(tmpdir(), "akkoma-package-"));
  let installed: InstalledPackage;
  const run = (args: string[], cwd = installed.app) => spawnSync(installed.bin, args, { cwd, encoding: "utf8" });

  beforeAll(() => {
    installed = packAndInstall(folder);
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  test("installs alone, runs check, build and --version, and carries the committed outputs", () => {
    // runtime dependencies only: none at all, so no TypeScript, jest, esbuild or engines
    expect(readdirSync(join(installed.app, "node_modules")).filter((name) => !name.startsWith("."))).toEqual([
      "akkoma-dashboards",
    ]);
    const version = (JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as { version: string })
      .version;
    expect(run(["--version"]).stdout.trim()).toBe(version);

    const scrape = join(installed.app, "scrape.txt");
    writeFileSync(scrape, healthyScrape());
    const check = run(["check", "--metrics", scrape]);
    expect({ status: check.status, stdout: check.stdout }).toEqual({
      status: 0,
      stdout: expect.stringMatching(/^ok: .*scrape\.txt exports all \d+ series the dashboard reads/m),
    });
    const reference = join(installed.app, "reference.json");
    writeFileSync(reference, JSON.stringify(referenceDashboard));
    const foreign = run(["check", "--dashboard", reference, "--metrics", scrape]);
    expect({ status: foreign.status, stdout: foreign.stdout, stderr: foreign.stderr }).toEqual({
      status: 0,
      stdout: expect.stringMatching(/^ok: .*scrape\.txt exports all \d+ series .*reference\.json reads/m),
      stderr: expect.not.stringMatching(/^akkoma-dashboards: /m),
    });

    // Outside a clone, build writes out/ only where the user made one.
    expect(run(["build", "--out", "dashboard.json"]).status).toBe(0);
    expect(readFileSync(join(installed.app, "dashboard.json"), "utf8")).toBe(
      readFileSync(join(projectRoot, "out", "grafana_dashboard.json"), "utf8"),
    );
    mkdirSync(join(installed.app, "out"));
    const build = run(["build"]);
    expect({ status: build.status, stderr: build.stderr }).toEqual({ status: 0, stderr: "" });
    for (const file of ["grafana_dashboard.json", "provisioning/akkoma.json", "prometheus/akkoma-alerts.yml"]) {
      const committed = readFileSync(join(projectRoot, "out", file), "utf8");
      expect({ file, shipped: readFileSync(join(installed.root, "out", file), "utf8") === committed }).toEqual({
        file,
        shipped: true,
      });
      expect({ file, built: readFileSync(join(installed.app, "out", file), "utf8") === committed }).toEqual({
        file,
        built: true,
      });
    }
  });

  test("the library entry point: the dashboard, its alert and recording rules and the catalogue, with types", () => {
    const program = `const lib = require("akkoma-dashboards");
console.log(JSON.stringify([lib.dashboard().uid, lib.alertRules().groups[0].rules.length > 0, lib.recordingRules().groups[0].rules.length > 0, lib.catalogue.length > 0]));`;
    const result = spawnSync(process.execPath, ["-e", program], { cwd: installed.app, encoding: "utf8" });
    expect(JSON.parse(result.stdout)).toEqual([settings.uid, true, true, true]);
    // The recording rules are the file build writes: the alerts' and the recorded dashboard's.
    const recordings = spawnSync(
      process.execPath,
      ["-e", 'console.log(JSON.stringify(require("akkoma-dashboards").recordingRules()))'],
      { cwd: installed.app, encoding: "utf8" },
    );
    expect(JSON.parse(recordings.stdout)).toEqual(
      parse(readFileSync(join(projectRoot, outputs.dashboardRecordingRules), "utf8")),
    );

    // named imports from an ES module, as the README's example does
    const esm = spawnSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        'import { dashboard, catalogue } from "akkoma-dashboards"; console.log(JSON.stringify([dashboard().uid, catalogue.length > 0]));',
      ],
      { cwd: installed.app, encoding: "utf8" },
    );
    expect({ stderr: esm.stderr, out: esm.stdout.trim() }).toEqual({
      stderr: "",
      out: JSON.stringify([settings.uid, true]),
    });

    const typed = join(installed.app, "typed.ts");
    writeFileSync(
      typed,
      `import { catalogue, dashboard, type Metric } from "akkoma-dashboards";
const first: Metric | undefined = catalogue[0];
const uid: string | undefined = dashboard({ uid: "second" }).uid;
const wrong: number = catalogue[0]?.name;
export { first, uid, wrong };
`,
    );
    const tsc = join(projectRoot, "node_modules", "typescript", "bin", "tsc");
    const flags = ["--noEmit", "--strict", "--skipLibCheck", "--module", "node16", typed];
    const checked = spawnSync(process.execPath, [tsc, ...flags], { cwd: installed.app, encoding: "utf8" });
    // the one error is the deliberate one: the declarations are found and typed
    expect(checked.stdout.trim().split("\n")).toEqual([
      expect.stringMatching(/typed\.ts\(4,7\): error TS2322: Type 'string.*' is not assignable to type 'number'/),
    ]);
  });
});

describe("what the package ships", () => {
  const folder = mkdtempSync(join(tmpdir(), "akkoma-pack-list-"));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  test("not the deployments build --config renders into out/rendered/ (data source uid, instances, runbook URL)", () => {
    // the project's package.json in a folder of its own, holding an output and a user's rendered one
    writeFileSync(join(folder, "package.json"), readFileSync(join(projectRoot, "package.json")));
    mkdirSync(join(folder, outputs.renderedFolder), { recursive: true });
    writeFileSync(join(folder, outputs.importFile), "{}");
    writeFileSync(join(folder, outputs.renderedFolder, "social.json"), "{}");
    const packed = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
      cwd: folder,
      encoding: "utf8",
    });
    const files = (JSON.parse(packed.stdout) as { files: { path: string }[] }[])[0]!.files.map((file) => file.path);
    expect(files).toContain(outputs.importFile);
    expect(files.filter((file) => file.startsWith(outputs.renderedFolder))).toEqual([]);
  });
});
