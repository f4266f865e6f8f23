// The package as a user gets it: `npm pack`, then `npm install` of the tarball into an empty folder,
// offline (the package has no runtime dependencies, so nothing needs fetching). Tests and benches share it.
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { catalogue, exportedSeries } from "../queries/catalogue";

/**
 * The checkout: run from source (jest) or from dist/ (benches), the nearest folder with package.json and
 * package-lock.json. tsc copies package.json into dist/ (the CLI imports its version), so package.json
 * alone would stop there.
 */
function findProjectRoot(from: string): string {
  for (let folder = from; ; folder = dirname(folder)) {
    if (existsSync(join(folder, "package.json")) && existsSync(join(folder, "package-lock.json"))) return folder;
    if (dirname(folder) === folder) throw new Error(`no package.json with a package-lock.json above ${from}`);
  }
}

export const projectRoot = findProjectRoot(__dirname);

export interface InstalledPackage {
  readonly tarball: string;
  /** The folder the package was installed into (its node_modules holds it). */
  readonly app: string;
  /** The package's own folder, node_modules/akkoma-dashboards. */
  readonly root: string;
  /** The installed `akkoma-dashboards` command. */
  readonly bin: string;
}

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_fund: "false" } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} in ${cwd} failed:\n${result.stderr}`);
  return result.stdout;
}

/**
 * Packs the compiled project and installs the tarball under `folder`. The library bundle is made here
 * and `prepack` skipped: it would recompile dist/ while other tests run the CLI from it.
 */
export function packAndInstall(folder: string): InstalledPackage {
  run("npm", ["run", "library"], projectRoot);
  const pack = ["pack", "--ignore-scripts", "--json", "--pack-destination", folder];
  const packed = JSON.parse(run("npm", pack, projectRoot)) as {
    filename: string;
  }[];
  const tarball = join(folder, (packed[0] as { filename: string }).filename);
  const app = join(folder, "app");
  run("mkdir", ["-p", app], folder);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "empty-project", private: true }));
  run("npm", ["install", "--offline", "--no-audit", "--no-fund", tarball], app);
  const root = join(app, "node_modules", "akkoma-dashboards");
  return { tarball, app, root, bin: join(app, "node_modules", ".bin", "akkoma-dashboards") };
}

/** Bytes of every file under `path`, links not followed. */
export function sizeOf(path: string): number {
  const stat = lstatSync(path); // the .bin link is not a second copy
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

/** A scrape holding every catalogue series with its labels, as a healthy Akkoma's would. */
export function healthyScrape(): string {
  const lines = catalogue.flatMap((metric) =>
    exportedSeries(metric).map((series) => {
      const labels = [...metric.labels, ...(series.endsWith("_bucket") ? ["le"] : [])];
      const pairs = labels.map((label) => `${label}="${label === "le" ? "+Inf" : "x"}"`);
      return `${series}${pairs.length > 0 ? `{${pairs.join(",")}}` : ""} 1`;
    }),
  );
  return `${lines.join("\n")}\n`;
}
