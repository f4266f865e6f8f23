// `tune`: flags, a progress bar, and what to print; the replay itself is tune/'s. Exit 0 with a report,
// 2 on bad input (a flag, the values file, an unreachable engine, a refused query).
import type { Argv, CommandModule } from "yargs";
import { redactUrls } from "../io/printable";
import { defaultMaxMiB, maxMaxMiB } from "../io/sources";
import { deploymentValues } from "../deploy/values";
import { writeFiles } from "../io/write";
import { DashboardError } from "../errors";
import { escapeControls, printableJson } from "../io/printable";
import { defaultMaxPoints, rangeClient } from "../tune/engine";
import { durationMs } from "../queries/durations";
import { reportJson, reportLines } from "../tune/report";
import { suggestThresholds, suggestedValuesText } from "../tune/suggest";
import { tune } from "../tune/tune";
import { program, single, timeoutOption } from "./flags";

/** Prometheus refuses a range query of more than this many points. */
const engineMaxPoints = 11_000;

export interface TuneOptions {
  engine: string;
  tokenFile?: string;
  range: string;
  end?: string;
  config?: string;
  json: boolean;
  maxPerWeek?: number;
  writeValues?: string;
  timeout: number;
  maxSize: number;
  maxPoints: number;
}

function rangeOf(args: TuneOptions): { startMs: number; endMs: number } {
  let lengthMs: number;
  try {
    lengthMs = durationMs(args.range);
  } catch {
    throw new DashboardError("--range", `not a duration: ${args.range}`, "e.g. 30d, 12h, 1w");
  }
  if (lengthMs <= 0) throw new DashboardError("--range", "must be longer than 0");
  const endMs = args.end === undefined ? Date.now() : Date.parse(args.end);
  if (Number.isNaN(endMs)) throw new DashboardError("--end", `not a time: ${args.end}`, "e.g. 2026-05-01T00:00:00Z");
  return { startMs: endMs - lengthMs, endMs };
}

function checkFlags(args: TuneOptions): void {
  if (!(args.maxSize > 0 && args.maxSize <= maxMaxMiB))
    throw new DashboardError("--max-size", `expected a number of MiB above 0 and at most ${maxMaxMiB}`);
  if (!(Number.isInteger(args.maxPoints) && args.maxPoints >= 2 && args.maxPoints <= engineMaxPoints))
    throw new DashboardError(
      "--max-points",
      `expected a whole number from 2 to ${engineMaxPoints} (Prometheus' limit)`,
    );
  if (args.maxPerWeek !== undefined && !(args.maxPerWeek >= 0))
    throw new DashboardError("--max-per-week", "expected a number of firings, 0 or more");
  if (args.writeValues !== undefined && args.maxPerWeek === undefined)
    throw new DashboardError("--write-values", "needs --max-per-week N: the target the thresholds are fitted to");
}

/**
 * A bar on standard error, redrawn in place; only on a terminal, so logs and pipes stay clean. The
 * threshold search cannot know its length beforehand: it counts its queries instead.
 */
function progressBar(): { update(done: number, total: number): void; count(done: number): void; end(): void } {
  if (!process.stderr.isTTY) return { update: () => undefined, count: () => undefined, end: () => undefined };
  const width = 30;
  return {
    update(done, total) {
      const filled = total === 0 ? width : Math.round((done / total) * width);
      process.stderr.write(`\rreplaying [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${done}/${total} queries`);
    },
    count: (done) => process.stderr.write(`\r\x1b[Ksuggesting thresholds: ${done} queries`),
    end: () => process.stderr.write("\r\x1b[K"),
  };
}

async function runTune(args: TuneOptions): Promise<void> {
  checkFlags(args);
  const range = rangeOf(args);
  const values = args.config === undefined ? undefined : await deploymentValues({}, args.config);
  const warn = (line: string) => process.stderr.write(`${program}: ${escapeControls(redactUrls(line))}\n`);
  const client = await rangeClient({
    url: args.engine,
    ...(args.tokenFile === undefined ? {} : { tokenFile: args.tokenFile }),
    warn,
    timeoutSeconds: args.timeout,
    maxBytes: Math.floor(args.maxSize * 1024 * 1024),
    maxPoints: args.maxPoints,
  });
  const bar = progressBar();
  try {
    const report = await tune({ client, range, values, progress: bar.update, maxPoints: args.maxPoints });
    let done = 0;
    const suggestions =
      args.maxPerWeek === undefined
        ? undefined
        : await suggestThresholds(client, report.range, args.maxPerWeek, values, () => bar.count(++done));
    const out = args.json ? [reportJson(report, suggestions)] : reportLines(report, suggestions);
    if (args.writeValues !== undefined && suggestions !== undefined) {
      const content = suggestedValuesText(values ?? {}, suggestions, args.maxPerWeek as number);
      writeFiles([{ path: args.writeValues, content, culprit: `--write-values ${args.writeValues}` }]);
      if (!args.json) out.push(`wrote ${args.writeValues} (a values file: build --config ${args.writeValues})`);
    }
    // Alert instances and label values are the engine's: escaped (the JSON report stays JSON).
    for (const line of out)
      process.stdout.write(`${args.json ? printableJson(redactUrls(line)) : escapeControls(redactUrls(line))}\n`);
  } finally {
    bar.end();
  }
}

const text = (flag: string, describe: string) =>
  ({ type: "string", requiresArg: true, coerce: single(flag), describe }) as const;
const number = (flag: string, describe: string, fallback?: number) =>
  ({
    type: "number",
    requiresArg: true,
    coerce: single<number>(flag),
    describe,
    ...(fallback === undefined ? {} : { default: fallback }),
  }) as const;

const tuneOptions = (yargs: Argv) =>
  yargs
    .option("engine", {
      ...text("engine", "Prometheus or VictoriaMetrics base URL (its HTTP API is under /api/v1)"),
      demandOption: true,
    })
    .option("token-file", text("token-file", "File holding a bearer token for the engine, if it asks for one"))
    .option("range", { ...text("range", "How far back to replay (a Prometheus duration)"), default: "30d" })
    .option("end", text("end", "Where the range ends (ISO 8601; default: now)"))
    .option("config", text("config", "The values file the rules are rendered with (as build --config)"))
    .option("json", { type: "boolean", default: false, describe: "Print the report as JSON" })
    .option("max-per-week", number("max-per-week", "Suggest thresholds so each alert fires at most this often a week"))
    .option("write-values", text("write-values", "Write the values file with the suggested thresholds here"))
    .option("timeout", timeoutOption("Seconds to wait for each query's whole answer"))
    .option("max-size", number("max-size", `MiB to read at most of each answer (at most ${maxMaxMiB})`, defaultMaxMiB))
    .option(
      "max-points",
      number("max-points", "Steps per query at most: longer ranges are cut into chunks", defaultMaxPoints),
    )
    .example("$0 tune --engine http://localhost:9090 --config values.yaml", "")
    .example("$0 tune --engine http://localhost:8428 --max-per-week 1 --write-values tuned.yaml", "");

export const tuneCommand: CommandModule<object, TuneOptions> = {
  command: "tune",
  describe: "Replay the alerts over an engine's history: how often each would have fired (and suggest thresholds)",
  builder: tuneOptions as unknown as (yargs: Argv) => Argv<TuneOptions>,
  handler: runTune,
};
