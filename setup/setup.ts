// `setup`: the three steps of Akkoma's monitoring guide in one run. An OAuth app with only admin:metrics,
// the admin's code exchanged for a token, the token proved against the metrics endpoint with check's own
// judgement, then every file rendered and only then written: the token (0600, nowhere else), the scrape
// job, Grafana's data source and the dashboard with its provider. Bad input throws DashboardError.
import { join } from "node:path";
import { setup } from "../config";
import { checkScrape } from "../check/run";
import { defaultMaxMiB } from "../io/sources";
import { plainDashboard } from "../build/outputs";
import { providerYaml } from "../build/provisioning";
import { DashboardError } from "../errors";
import { plainHttpWarning } from "../io/http";
import type { Metric } from "../queries/catalogue";
import type { Reader } from "../queries/query";
import {
  type PlannedFile,
  lockRegistration,
  makeFolder,
  readAppFile,
  refuseExisting,
  removeEmptyFolder,
  writeAppFile,
  writeFiles,
} from "./files";
import { type RegisteredApp, authorizeUrl, exchangeCode, registerApp } from "./oauth";
import { type EngineKind, datasourcesYaml, engineNames, metricsPath, scrapeConfigYaml, targetOf } from "./scrape";
import { fileNames, summaryLines } from "./summary";

export interface SetupRequest {
  readonly instance: string;
  readonly engine: EngineKind;
  readonly out: string;
  readonly force: boolean;
  readonly job: string;
  /** The URL Grafana reaches the engine at; the engine's local default when left out. */
  readonly engineUrl?: string;
  /** Where the scraper will read the token; the engine's Debian path when left out. */
  readonly tokenPath?: string;
  readonly code?: string;
  /** Register the app and print the authorize URL, then stop (a script's first step). */
  readonly registerOnly: boolean;
  readonly timeoutSeconds: number;
}

export interface SetupContext {
  say(line: string): void;
  warn(line: string): void;
  /** The code the admin copied from Akkoma's page; undefined when there is nobody to ask. */
  askCode(): Promise<string | undefined>;
  readers(): readonly Reader[];
  metrics(): readonly Metric[];
}

export interface SetupResult {
  /** The proof found a series the dashboard reads missing (not a lazy one): the files are written all the same. */
  readonly missing: boolean;
}

export async function runSetup(request: SetupRequest, context: SetupContext): Promise<SetupResult> {
  const { origin, target } = targetOf(request.instance);
  const engine = setup.engines[request.engine];
  const tokenPath = request.tokenPath ?? engine.tokenPath;
  const paths = {
    token: join(request.out, fileNames.token),
    scrape: join(request.out, fileNames.scrape[request.engine]),
    datasources: join(request.out, fileNames.datasources),
    provider: join(request.out, fileNames.provider),
    dashboard: join(request.out, fileNames.dashboard),
  };
  // As check and tune warn for their token: here the client secret, the code and the token all travel so.
  const warning = plainHttpWarning(origin, "the client secret, the code and the token");
  if (warning) context.warn(warning);
  // Before the admin is sent anywhere: a run that cannot write its files must stop now.
  if (!request.registerOnly) refuseExisting(Object.values(paths), request.force);

  const app = await registeredApp(origin, request, context);
  let code = request.code;
  if (code === undefined) {
    context.say(`Open this page signed in as an admin, authorize "${setup.clientName}", and copy the code:`);
    context.say(`  ${authorizeUrl(app)}`);
    if (request.registerOnly) {
      context.say(`then run the same command with --code CODE instead of --register-only`);
      return { missing: false };
    }
    code = (await context.askCode())?.trim();
    if (!code)
      throw new DashboardError("--code", "no authorization code given", "authorize at the URL above, then pass it");
  }
  const token = await exchangeCode(app, code.trim(), request.timeoutSeconds);

  // The same judgement as `check --metrics URL`: 403 the scope is missing, 404 the export is off, lazy series fine.
  const proof = await checkScrape(`${origin}${metricsPath}`, context.metrics(), context.readers(), {
    token,
    timeoutSeconds: request.timeoutSeconds,
    maxBytes: defaultMaxMiB * 1024 * 1024,
    warn: context.warn,
  });

  const instanceLabel = target.address;
  const engineName = engineNames[request.engine];
  const files: PlannedFile[] = [
    { path: paths.token, content: `${token}\n`, mode: 0o600, purpose: "the access token, admin:metrics only" },
    {
      path: paths.scrape,
      content: scrapeConfigYaml({ engine: request.engine, job: request.job, target, tokenPath }),
      mode: 0o644,
      purpose: `${engineName}'s scrape job "${request.job}", every ${setup.scrapeInterval}, token from ${tokenPath}`,
    },
    {
      path: paths.datasources,
      content: datasourcesYaml(request.engine, request.engineUrl ?? engine.url),
      mode: 0o644,
      purpose: `Grafana's data source for ${request.engineUrl ?? engine.url}, scrape interval ${setup.scrapeInterval}`,
    },
    { path: paths.provider, content: providerYaml(), mode: 0o644, purpose: "Grafana's dashboard provider" },
    {
      path: paths.dashboard,
      content: await plainDashboard({
        datasourceUid: setup.datasource.uid,
        job: request.job,
        instance: instanceLabel,
      }),
      mode: 0o644,
      purpose: `the dashboard, job "${request.job}", instance "${instanceLabel}"`,
    },
  ];
  refuseExisting(Object.values(paths), request.force);
  writeFiles(files);
  for (const line of proof.lines) context.say(`proof: ${line}`);
  for (const line of summaryLines(files, { engine: request.engine, out: request.out, tokenPath })) context.say(line);
  return { missing: proof.missing };
}

/** The app registered by an earlier run for this instance, or a new one, kept for the next run. */
async function registeredApp(origin: string, request: SetupRequest, context: SetupContext): Promise<RegisteredApp> {
  const kept = readAppFile(request.out, origin, request.force);
  if (kept) return kept;
  if (request.code !== undefined)
    throw new DashboardError(
      "--code",
      `no app registered on ${origin} in ${request.out}`,
      "a code belongs to one app: run with --register-only first, and authorize at the URL it prints",
    );
  // The lock needs the folder; a registration that fails leaves no folder it made (nothing written).
  const made = makeFolder(request.out);
  const release = lockRegistration(request.out);
  let registered = false;
  try {
    // A run that held the lock before this one may have registered meanwhile: its app is this run's too.
    const meanwhile = readAppFile(request.out, origin, request.force);
    if (meanwhile) {
      registered = true;
      return meanwhile;
    }
    const app = await registerApp(origin, setup.clientName, request.timeoutSeconds);
    writeAppFile(request.out, app);
    registered = true;
    context.warn(
      `registered the OAuth app "${setup.clientName}" on ${origin} (kept in ${request.out} for the next run)`,
    );
    return app;
  } finally {
    release();
    if (made && !registered) removeEmptyFolder(request.out);
  }
}
