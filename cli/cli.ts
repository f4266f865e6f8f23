import yargs from "yargs";
import { DashboardError } from "../errors";
import { checkCommand, metricsCommand } from "./check";
import { buildDashboardFile, defaultOutput } from "../build/export";
import { buildRuleFiles, ruleOutputsBeside } from "../build/rules";

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
      "Write the importable dashboard JSON (validated against Grafana's schemas, formatted)",
      (command) =>
        command.option("out", {
          type: "string",
          default: defaultOutput,
          describe: "File to write; its folder must exist. Written to a temp file first, then renamed",
        }),
      async (args) => {
        await buildDashboardFile(args.out);
        process.stdout.write(`wrote ${args.out}\n`);
        for (const path of await buildRuleFiles(ruleOutputsBeside(args.out))) process.stdout.write(`wrote ${path}\n`);
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
