// `setup`: flags, the prompt for the code, and what to print. The work is setup/setup.ts's. Exit codes:
// 0 done; 1 done, but the instance lacks a series the dashboard reads; 2 bad input or a refusal (wrong
// code, missing scope, export off, unreachable, an existing file), one line on stderr, nothing written.
import { createInterface } from "node:readline";
import type { Argv, CommandModule } from "yargs";
import { defaultScrapeJob, setup } from "../config";
import { DashboardError } from "../errors";
import { escapeControls } from "../io/printable";
import { maxTimeoutSeconds } from "../io/sources";
import { type SetupContext, runSetup } from "../setup/setup";
import { type EngineKind, engineKinds } from "../setup/scrape";
import { processContext } from "./check";
import { exitCodes, program, single } from "./flags";

export interface SetupOptions {
  instance: string;
  engine: EngineKind;
  out: string;
  force: boolean;
  job: string;
  engineUrl?: string;
  tokenPath?: string;
  code?: string;
  registerOnly: boolean;
  timeout: number;
}

/** On a terminal, a prompt; from a pipe, its first line; nothing when standard input is empty. */
function askCode(): Promise<string | undefined> {
  const terminal = process.stdin.isTTY === true;
  const lines = createInterface({ input: process.stdin, output: process.stderr, terminal });
  return new Promise((resolve) => {
    let answered = false;
    lines.once("line", (line) => {
      answered = true;
      lines.close();
      resolve(line);
    });
    lines.once("close", () => {
      if (!answered) resolve(undefined);
    });
    if (terminal) lines.setPrompt("Code: ");
    if (terminal) lines.prompt();
  });
}

const text = (flag: string, describe: string) =>
  ({ type: "string", requiresArg: true, coerce: single(flag), describe }) as const;

const setupOptions = (yargs: Argv) =>
  yargs
    .option("instance", {
      ...text("instance", "The Akkoma instance, e.g. https://social.example.org"),
      demandOption: true,
    })
    .option("engine", {
      ...text("engine", `The scraper: ${engineKinds.join(" or ")}`),
      // Checked here rather than with yargs' `choices`, whose complaint spans two lines.
      coerce: (value: string | string[]) => {
        const engine = single("engine")(value);
        if (!(engineKinds as string[]).includes(engine))
          throw new DashboardError("--engine", `expected ${engineKinds.join(" or ")}, not "${engine}"`);
        return engine as EngineKind;
      },
      default: "prometheus",
    })
    .option("out", { ...text("out", "Folder to write into (created, private)"), default: setup.out })
    .option("job", { ...text("job", "Scrape job name (the dashboard's Job)"), default: defaultScrapeJob })
    .option("engine-url", text("engine-url", "URL Grafana reaches the engine at (default: the engine's local port)"))
    .option("token-path", text("token-path", "Where the scraper reads the token (default: the Debian package's path)"))
    .option("code", text("code", "The code Akkoma showed after authorizing (else asked for, or read from stdin)"))
    .option("register-only", { type: "boolean", default: false, describe: "Register the app, print the URL, stop" })
    .option("force", { type: "boolean", default: false, describe: "Replace files an earlier run wrote" })
    .option("timeout", {
      type: "number",
      default: 15,
      requiresArg: true,
      coerce: single<number>("timeout"),
      describe: "Seconds to wait for each answer of the instance",
    })
    .example("$0 setup --instance https://social.example.org", "asks for the code, writes ./akkoma-monitoring")
    .example("$0 setup --instance https://social.example.org --register-only", "then, with the code:")
    .example("$0 setup --instance https://social.example.org --code CODE --engine victoriametrics", "");

async function runSetupCommand(args: SetupOptions, context: SetupContext): Promise<void> {
  try {
    if (!(args.timeout > 0 && args.timeout <= maxTimeoutSeconds))
      throw new DashboardError("--timeout", `expected a number of seconds above 0 and at most ${maxTimeoutSeconds}`);
    if (args.code !== undefined && args.registerOnly)
      throw new DashboardError("--code", "not with --register-only", "register first, then run again with the code");
    const result = await runSetup({ ...args, timeoutSeconds: args.timeout }, context);
    process.exitCode = result.missing ? exitCodes.missing : exitCodes.ok;
  } catch (error) {
    if (!(error instanceof DashboardError)) throw error;
    context.warn(error.message);
    process.exitCode = exitCodes.badInput;
  }
}

export const setupCommand: CommandModule<object, SetupOptions> = {
  command: "setup",
  describe: "Get a metrics token from Akkoma and write the scrape job, Grafana's data source and the dashboard",
  builder: setupOptions as unknown as (yargs: Argv) => Argv<SetupOptions>,
  handler: (args) =>
    runSetupCommand(args, {
      // Messages may quote the instance's answers: escaped, and no secret the run holds is shown.
      say: (line) => process.stdout.write(`${escapeControls(line)}\n`),
      warn: (line) => process.stderr.write(`${program}: ${escapeControls(line)}\n`),
      askCode,
      readers: processContext.readers,
      metrics: processContext.metrics,
    }),
};
