// `check` and `metrics`: flags, and what to print. The checking itself is check/'s. Exit codes:
// 0 all there, 1 something the dashboard reads is missing, 2 bad input (unreadable file, unreachable URL,
// wrong token...). Handlers print their own one-line errors and set the exit code, so the CLI's other
// output stays intact; every line printed has its URLs redacted.
import type { Argv, CommandModule } from "yargs";
import { sections } from "../dashboards/akkoma";
import { type Metric, catalogue } from "../queries/catalogue";
import { DashboardError } from "../errors";
import { alertReaders } from "../alerts/reads";
import { annotationReaders } from "../dashboards/annotations";
import { panelReaders } from "../dashboards/reads";
import { variableReaders } from "../dashboards/variables";
import type { Reader } from "../queries/query";
import { type Judged, checkAgainst, ourDashboard, scrapeSource, telemetrySource } from "../check/run";
import type { Source } from "../check/judge";
import { dependencies, dependencyLines } from "../check/dependencies";
import { readForeign } from "../check/foreign";
import { redactUrls } from "../io/printable";
import { defaultMaxMiB, isUrl, maxMaxMiB } from "../io/sources";
import { escapeControls, printableJson } from "../io/printable";
import { exitCodes, program, single, timeoutOption } from "./flags";

/** Where the handlers write, and what they check against; tests substitute their own. */
export interface CheckContext {
  out(line: string): void;
  err(line: string): void;
  setExitCode(code: number): void;
  /** The panels, annotation, variables and alerts whose queries read catalogue series. */
  readers(): readonly Reader[];
  metrics(): readonly Metric[];
}

// Lines may hold outside text (a foreign file's titles, a server's answer): escaped here, whatever built them.
export const processContext: CheckContext = {
  out: (line) => process.stdout.write(`${printableJson(line)}\n`),
  err: (line) => process.stderr.write(`${escapeControls(line)}\n`),
  setExitCode: (code) => {
    process.exitCode = code;
  },
  readers: () => [...panelReaders(sections()), ...annotationReaders(), ...variableReaders(), ...alertReaders()],
  metrics: () => catalogue,
};

export interface CheckOptions {
  dashboard?: string;
  rules?: string;
  telemetry?: string;
  metrics?: string;
  "token-file"?: string;
  tokenFile?: string;
  timeout: number;
  "max-size": number;
  maxSize: number;
  list: boolean;
  json: boolean;
}

export interface MetricsOptions {
  json: boolean;
}

/** Why the flags cannot work together, if they cannot. */
function flagProblem(args: CheckOptions): string | undefined {
  if (args.json && !args.list) return "--json: only used with --list (or run `metrics --json`)";
  if (args.list && (args.telemetry !== undefined || args.metrics !== undefined))
    return "--list: lists what the dashboard reads and checks nothing; run the check without --list";
  if (args.list)
    return args.dashboard || args.rules
      ? "--list: lists this project's series; not with --dashboard or --rules"
      : undefined;
  if (args.telemetry === undefined && args.metrics === undefined)
    return (
      "check: nothing to check against: pass --telemetry PATH (Akkoma's lib/pleroma/web/telemetry.ex) " +
      "or --metrics FILE|URL (a scrape of /api/v1/akkoma/metrics; add --token-file for a URL)"
    );
  if (args.telemetry === "-" && args.metrics === "-") return "--telemetry - and --metrics -: standard input is one";
  if ([args.telemetry, args.metrics, args.dashboard, args.rules].filter((a) => a === "-").length > 1)
    return "standard input (-) can be given to one flag only";
  if (args.tokenFile && !(args.metrics && isUrl(args.metrics))) return "--token-file: only used with --metrics URL";
  if (!(args.maxSize > 0 && args.maxSize <= maxMaxMiB))
    return `--max-size: expected a number of MiB above 0 and at most ${maxMaxMiB}`;
  return undefined;
}

async function runCheck(args: CheckOptions, context: CheckContext): Promise<void> {
  const say = (line: string) => context.out(escapeControls(redactUrls(line)));
  const warn = (line: string) => context.err(`${program}: ${redactUrls(line)}`);
  const problem = flagProblem(args);
  if (problem) {
    warn(problem);
    context.setExitCode(exitCodes.badInput);
    return;
  }
  if (args.list) {
    runMetrics(args, context);
    return;
  }
  const maxBytes = Math.floor(args.maxSize * 1024 * 1024);
  const limits = { maxBytes, timeoutSeconds: args.timeout };
  const files = {
    ...(args.dashboard ? { dashboard: args.dashboard } : {}),
    ...(args.rules ? { rules: args.rules } : {}),
  };
  // Both sources: check both (the source code and a live instance can disagree); the worst result wins.
  const sources: (() => Promise<Source>)[] = [];
  if (args.telemetry !== undefined) {
    const path = args.telemetry;
    sources.push(() => telemetrySource(path, limits));
  }
  if (args.metrics !== undefined) {
    const source = args.metrics;
    const options = { ...limits, warn, ...(args.tokenFile ? { tokenFile: args.tokenFile } : {}) };
    sources.push(() => scrapeSource(source, options));
  }
  // What is judged: the files given, else our dashboard and alerts; read once, judged against each source.
  let judged: readonly Judged[];
  try {
    judged =
      args.dashboard !== undefined || args.rules !== undefined
        ? await readForeign(files, limits)
        : [{ name: ourDashboard, readers: context.readers() }];
  } catch (error) {
    if (!(error instanceof DashboardError)) throw error;
    warn(error.message);
    context.setExitCode(exitCodes.badInput);
    return;
  }
  const codes: number[] = [];
  for (const source of sources) {
    try {
      const verdict = checkAgainst(await source(), judged, context.metrics());
      verdict.lines.forEach(say);
      codes.push(verdict.missing ? exitCodes.missing : exitCodes.ok);
    } catch (error) {
      if (!(error instanceof DashboardError)) throw error;
      warn(error.message);
      codes.push(exitCodes.badInput);
    }
  }
  context.setExitCode(Math.max(...codes));
}

function runMetrics(args: MetricsOptions, context: CheckContext): void {
  const list = dependencies(context.metrics(), context.readers());
  if (args.json) context.out(JSON.stringify({ series: list }, null, 2));
  else dependencyLines(list).forEach((line) => context.out(line));
  context.setExitCode(exitCodes.ok);
}

const checkOptions = (yargs: Argv) =>
  yargs
    .option("dashboard", {
      type: "string",
      requiresArg: true,
      coerce: single("dashboard"),
      describe:
        "Check any Grafana dashboard (v1 JSON such as Akkoma's installation/grafana_dashboard.json, or a v2 resource in JSON or YAML) instead of ours",
    })
    .option("rules", {
      type: "string",
      requiresArg: true,
      coerce: single("rules"),
      describe: "Check a Prometheus rule file or a PrometheusRule/VMRule resource instead of our alerts",
    })
    .option("telemetry", {
      type: "string",
      requiresArg: true,
      coerce: single("telemetry"),
      describe:
        "Akkoma's lib/pleroma/web/telemetry.ex (- reads standard input): are the series the dashboard reads defined and exported?",
    })
    .option("metrics", {
      type: "string",
      requiresArg: true,
      coerce: single("metrics"),
      describe: "A saved scrape (- reads standard input), or the instance's http(s) URL (…/api/v1/akkoma/metrics)",
    })
    .option("token-file", {
      type: "string",
      requiresArg: true,
      coerce: single("token-file"),
      describe: "File holding an access token with the admin:metrics scope, sent as a bearer token to --metrics URL",
    })
    .option(
      "timeout",
      timeoutOption("Seconds to wait for a whole input: --metrics URL's answer, a FIFO, standard input, --token-file"),
    )
    .option("max-size", {
      type: "number",
      default: defaultMaxMiB,
      requiresArg: true,
      coerce: single<number>("max-size"),
      describe: `MiB to read at most from each of --metrics, --telemetry, --dashboard, --rules and --token-file (at most ${maxMaxMiB}); reading stops there with an error`,
    })
    .option("list", { type: "boolean", default: false, describe: "List the series the dashboard reads (as `metrics`)" })
    .option("json", { type: "boolean", default: false, describe: "With --list: as JSON" })
    .example("$0 check --telemetry ../akkoma/lib/pleroma/web/telemetry.ex", "")
    .example("$0 check --dashboard grafana_dashboard.json --rules alerts.yml --telemetry telemetry.ex", "")
    .example("$0 check --metrics https://example.social/api/v1/akkoma/metrics --token-file token", "");

const metricsOptions = (yargs: Argv) => yargs.option("json", { type: "boolean", default: false, describe: "As JSON" });

export function checkCommandWith(context: CheckContext): CommandModule<object, CheckOptions> {
  return {
    command: "check",
    describe: "Check that Akkoma exports every series and label the dashboard reads (exit 1 if not, 2 on bad input)",
    builder: checkOptions as (yargs: Argv) => Argv<CheckOptions>,
    handler: (args) => runCheck(args, context),
  };
}

export function metricsCommandWith(context: CheckContext): CommandModule<object, MetricsOptions> {
  return {
    command: "metrics",
    describe: "List the series, labels and panels the dashboard depends on",
    builder: metricsOptions,
    handler: (args) => runMetrics(args, context),
  };
}

export const checkCommand = checkCommandWith(processContext);
export const metricsCommand = metricsCommandWith(processContext);
