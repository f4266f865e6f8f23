import yargs from "yargs";
import { DashboardError } from "../errors";
import { checkCommand, metricsCommand } from "./check";
import { buildDashboardFile, defaultOutput, exportDashboard } from "../build/export";
import { exitCodes, program, single } from "./flags";

/** One line on stderr and a non-zero exit: bad input is the user's to fix, not a stack trace to read. */
function fail(message: string, code: number = exitCodes.badInput): never {
  process.stderr.write(`${program}: ${message}\n`);
  process.exit(code);
}

/** A bug in this program, not in the input: said so, with a distinct exit code; the stack with --debug. */
function internalError(error: unknown, debug: boolean): never {
  const message = error instanceof Error ? error.message : String(error);
  const more = debug
    ? `\n${error instanceof Error ? error.stack : message}`
    : " (run again with --debug for the stack trace)";
  fail(
    `internal error, a bug in ${program} rather than in your input: ${message}${more}\n` +
      "Please report it with the command you ran and this output.",
    exitCodes.internal,
  );
}

/** yargs' own complaints (unknown flag, missing value) and our flag checks are bad input; anything else a bug. */
const isBadInput = (error: Error) => error instanceof DashboardError || error.name === "YError";

export async function main(argv: string[]): Promise<void> {
  const debug = argv.includes("--debug");
  await yargs(argv)
    .scriptName(program)
    .usage("$0 <command> [options]\n\nAkkoma's Grafana dashboard, built from typed code.")
    .command(
      "build",
      "Write the importable dashboard JSON (validated against Grafana's schemas, formatted)",
      (command) =>
        command.option("out", {
          type: "string",
          default: defaultOutput,
          requiresArg: true,
          coerce: single("out"),
          describe:
            "File to write (- for standard output); its folder must exist. A file is written to a temp file " +
            "first, then renamed; a FIFO or device is written to directly",
        }),
      async (args) => {
        if (args.out === "-") {
          process.stdout.write(await exportDashboard());
        } else if ((await buildDashboardFile(args.out)) === "file") {
          process.stdout.write(`wrote ${args.out}\n`);
        }
      },
    )
    .command(checkCommand)
    .command(metricsCommand)
    .option("debug", { type: "boolean", default: false, describe: "On an internal error, print its stack trace" })
    .demandCommand(1, "Name a command: build, check or metrics")
    .strict()
    .help()
    .alias("help", "h")
    .version(false)
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .fail((message, error) => {
      if (error && !isBadInput(error)) internalError(error, debug);
      if (error) fail(error.message);
      fail(`${message} (see ${program} --help)`);
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
