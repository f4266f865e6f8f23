import yargs from "yargs";
import { DashboardError } from "../errors";
import { checkCommand, metricsCommand } from "./check";
import { outputs } from "../config";
import { buildForDeployment } from "../deploy/build";

const name = "akkoma-dashboards";

/** One line on stderr and a non-zero exit: bad input is the user's to fix, not a stack trace to read. */
function fail(message: string, code = 2): never {
  process.stderr.write(`${name}: ${message}\n`);
  process.exit(code);
}

export async function main(argv: string[]): Promise<void> {
  await yargs(argv)
    .scriptName(name)
    .usage("$0 <command> [options]\n\nAkkoma's Grafana dashboard, built from typed code.")
    .command(
      "build",
      "Write the importable dashboard JSON and the provisioning files, or one dashboard with your values",
      (command) =>
        command
          .option("out", {
            type: "string",
            describe: `Write only the dashboard, to this file (its folder must exist). Default: every output under out/ (import file, provisioning, alert rules), or ${outputs.renderedFolder}/<uid>.json and its rules with values`,
          })
          .option("config", {
            type: "string",
            describe: "Deployment values from a JSON or YAML file (flags override it)",
          })
          .option("datasource-uid", {
            type: "string",
            describe: "Uid of the Prometheus or VictoriaMetrics data source",
          })
          .option("job", { type: "string", describe: "Default scrape job (the Job variable)" })
          .option("instance", {
            type: "string",
            describe: "Default Akkoma instance, domain:port (the Instance variable)",
          })
          .option("uid", { type: "string", describe: "Dashboard uid: one per Akkoma instance" })
          .option("title", { type: "string", describe: "Dashboard title" })
          .option("folder", { type: "string", describe: "Grafana folder uid, for --api-body" })
          .option("api-body", { type: "boolean", describe: "Write the HTTP API's body for POST /api/dashboards/db" }),
      async (args) => {
        const { out, config, apiBody, datasourceUid, job, instance, uid, title, folder } = args;
        const flags = { datasourceUid, job, instance, uid, title, folder };
        for (const line of await buildForDeployment({ out, config, apiBody, flags })) process.stdout.write(`${line}\n`);
      },
    )
    .command(checkCommand)
    .command(metricsCommand)
    .demandCommand(1, "Name a command: build, check or metrics")
    .strict()
    .help()
    .alias("help", "h")
    .version(false)
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .fail((message, error) => {
      if (error instanceof DashboardError) fail(error.message);
      if (error) fail(error.message);
      fail(`${message} (see ${name} --help)`);
    })
    .parseAsync();
}

/** The process entry: one line for any error, a quiet exit when a pipe closes early. */
export function run(argv: string[]): Promise<void> {
  // `check ... | head` closes the pipe early; that is not an error worth a stack trace.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
  return main(argv).catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
}

if (require.main === module) void run(process.argv.slice(2));
