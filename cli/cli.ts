import yargs from "yargs";
import { DashboardError } from "../errors";
import { checkCommand, metricsCommand } from "./check";
import { setupCommand } from "./setup";
import { tuneCommand } from "./tune";
import { outputs } from "../config";
import { runBuild } from "../build/run";
import { exitCodes, program, refuseBooleanValues, single, withOpaqueValues } from "./flags";
import { version } from "../package.json";
import { escapeControls } from "../io/printable";

/**
 * One line on stderr and a non-zero exit: bad input is the user's to fix, not a stack trace to read. A
 * message may hold outside text (a server's error, a file's name for itself): each line is printed with
 * its controls escaped, so none can clear the screen or forge a line of ours.
 */
function fail(message: string | readonly string[], code: number = exitCodes.badInput): never {
  const [first = "", ...more] = typeof message === "string" ? [message] : message;
  process.stderr.write([`${program}: ${first}`, ...more].map((line) => `${escapeControls(line)}\n`).join(""));
  process.exit(code);
}

/** A bug in this program, not in the input: said so, with a distinct exit code; the stack with --debug. */
function internalError(error: unknown, debug: boolean): never {
  const message = error instanceof Error ? error.message : String(error);
  const stack = debug ? String((error instanceof Error ? error.stack : undefined) ?? message).split("\n") : [];
  fail(
    [
      `internal error, a bug in ${program} rather than in your input: ${message}` +
        (debug ? "" : " (run again with --debug for the stack trace)"),
      ...stack,
      "Please report it with the command you ran and this output.",
    ],
    exitCodes.internal,
  );
}

/** yargs' own complaints (unknown flag, missing value) and our flag checks are bad input; anything else a bug. */
const isBadInput = (error: Error) => error instanceof DashboardError || error.name === "YError";

export async function main(given: string[]): Promise<void> {
  const argv = withOpaqueValues(given, ["code"]);
  const debug = argv.includes("--debug");
  refuseBooleanValues(argv, [
    "api-body",
    "recorded",
    "list",
    "json",
    "force",
    "register-only",
    "debug",
    "help",
    "version",
  ]);
  await yargs(argv)
    .scriptName(program)
    .usage("$0 <command> [options]\n\nAkkoma's Grafana dashboard, built from typed code.")
    .command(
      "build",
      "Write every output (import file, provisioning files, alert rules), or one deployment with your values",
      (command) => {
        const text = (option: string, describe: string) =>
          ({ type: "string", requiresArg: true, coerce: single(option), describe }) as const;
        return command
          .option(
            "out",
            text(
              "out",
              "Write only the dashboard, to this file (- for standard output; its folder must exist). A file is " +
                "written to a temp file, then renamed; a FIFO or device directly. Default: every output under " +
                `out/, or ${outputs.renderedFolder}/<uid>.json and its rules with values`,
            ),
          )
          .option("config", text("config", "Deployment values from a JSON or YAML file (flags override it)"))
          .option("datasource-uid", text("datasource-uid", "Uid of the Prometheus or VictoriaMetrics data source"))
          .option("job", text("job", "Default scrape job (the Job variable; the alert rules' job)"))
          .option("instance", text("instance", "Default Akkoma instance, domain:port (the Instance variable)"))
          .option("uid", text("uid", "Dashboard uid: one per Akkoma instance"))
          .option("title", text("title", "Dashboard title"))
          .option(
            "folder",
            text("folder", "Grafana folder uid, for --api-body, the GrafanaDashboard and the v2 resources"),
          )
          .option(
            "runbook-base-url",
            text("runbook-base-url", "Absolute address of your copy of docs/runbook.md, for the alerts' runbook_url"),
          )
          .option("api-body", { type: "boolean", describe: "Write the HTTP API's body for POST /api/dashboards/db" })
          .option("recorded", {
            type: "boolean",
            describe: "Write the dashboard over the recording rules' series (load the recording rules first)",
          });
      },
      async (args) => {
        const { out, config, apiBody, datasourceUid, job, instance, uid, title, folder, runbookBaseUrl, recorded } =
          args;
        const flags = { datasourceUid, job, instance, uid, title, folder, runbookBaseUrl, recorded };
        for (const line of await runBuild({ out, config, apiBody, flags }))
          process.stdout.write(`${escapeControls(line)}\n`);
      },
    )
    .command(checkCommand)
    .command(metricsCommand)
    .command(setupCommand)
    .command(tuneCommand)
    .option("debug", { type: "boolean", default: false, describe: "On an internal error, print its stack trace" })
    .demandCommand(1, "Name a command: build, check, metrics, setup or tune")
    .recommendCommands()
    .strict()
    .help()
    .alias("help", "h")
    .version(version)
    .alias("version", "v")
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .fail((message, error) => {
      if (error && !isBadInput(error)) internalError(error, debug);
      if (error) fail(error.message);
      // recommendCommands' message alone would not say what was wrong.
      const said = message.startsWith("Did you mean") ? `Unknown command: ${argv[0]}. ${message}` : message;
      fail(`${said} (see ${program} --help)`);
    })
    .parseAsync();
}

/** Standard output that cannot be written (closed, full) ends the run: quietly for a closed pipe. */
function watchStandardOutput(): void {
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    // `check ... | head` closes the pipe early; that is not an error worth a line.
    if (error.code === "EPIPE") process.exit(process.exitCode ?? exitCodes.ok);
    fail(`cannot write to standard output (${error.code ?? error.message})`);
  });
}

/** The process entry: one line for any error, a quiet exit when a pipe closes early. */
export function run(argv: string[]): Promise<void> {
  watchStandardOutput();
  return main(argv).catch((error: unknown) =>
    error instanceof Error && isBadInput(error) ? fail(error.message) : internalError(error, argv.includes("--debug")),
  );
}

if (require.main === module) void run(process.argv.slice(2));
