// A loopback Akkoma for the setup tests: its app, OAuth and metrics endpoints answer as Akkoma's own
// controllers do (read in Akkoma's lib/pleroma/web/mastodon_api/controllers/app_controller.ex,
// o_auth/o_auth_controller.ex, o_auth/token/utils.ex, plugs/o_auth_scopes_plug.ex,
// plugs/ensure_authenticated_plug.ex and akkoma_api/controllers/metrics_controller.ex), and the metrics
// are the synthetic history's, one scrape of it a request. Not part of the CLI.
import { randomBytes } from "node:crypto";
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { SyntheticHistory } from "../../harness/synthetic";

interface App {
  clientId: string;
  clientSecret: string;
  scopes: string[];
  redirectUris: string;
}

export interface MetricsRequest {
  readonly authorization: string | undefined;
  readonly userAgent: string | undefined;
  readonly status: number;
}

export interface FakeAkkoma {
  readonly url: string;
  /**
   * What the admin does in the browser: authorize the app, Akkoma shows the code (a random one, or `code`).
   * `scopes` defaults to the app's.
   */
  authorize(clientId: string, scopes?: string[], code?: string): string;
  /** Every access token issued: tests look for them where they must not be. */
  readonly issuedTokens: readonly string[];
  readonly apps: readonly App[];
  readonly metricsRequests: readonly MetricsRequest[];
  /**
   * A hostile or broken Akkoma: sees each request first (`route` is "METHOD /path", `form` a POST's) and
   * answers it itself by returning true. Tests set it and clear it.
   */
  override?: Override;
  close(): Promise<void>;
}

export type Override = (
  route: string,
  form: Record<string, string>,
  response: ServerResponse,
) => boolean | Promise<boolean>;

export interface FakeAkkomaOptions {
  readonly history: SyntheticHistory;
  /** config :pleroma, :instance, export_prometheus_metrics (default true). */
  readonly exportMetrics?: boolean;
  /** Scrapes of the history each request moves on, so counters grow between two scrapes. */
  readonly scrapesPerRequest?: number;
  /** The history's scrape the first request gets (default: an hour in). */
  readonly firstScrape?: number;
  /** Serve https with this key and certificate (PEM) instead of http. */
  readonly tls?: { readonly key: string; readonly cert: string };
}

// Akkoma's generate_token: 32 random bytes, base64url without padding.
const newToken = () => randomBytes(32).toString("base64url");
// Akkoma's Scopes.to_list
const scopeList = (text: unknown) =>
  typeof text === "string" && text.trim() ? text.trim().split(/[\s,]+/) : undefined;

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  response.end(JSON.stringify(body));
}

async function formOf(request: IncomingMessage): Promise<Record<string, string>> {
  let body = "";
  for await (const chunk of request) body += String(chunk);
  if ((request.headers["content-type"] ?? "").includes("application/json")) return JSON.parse(body || "{}");
  return Object.fromEntries(new URLSearchParams(body));
}

/** One scrape of the first instance as Akkoma exposes it: no job or instance labels, the scraper adds those. */
export function expositionAt(history: SyntheticHistory, index: number): string {
  const lines: string[] = [];
  for (const { name, labels, values } of history.series) {
    if (name === "up" || labels.instance !== history.instance) continue;
    const value = values[index];
    if (value === undefined || Number.isNaN(value)) continue;
    const own = Object.entries(labels).filter(([label]) => label !== "job" && label !== "instance");
    const selector = own.map(([label, v]) => `${label}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(",");
    lines.push(`${name}${own.length > 0 ? `{${selector}}` : ""} ${value}`);
  }
  return `${lines.join("\n")}\n`;
}

export async function startFakeAkkoma(options: FakeAkkomaOptions): Promise<FakeAkkoma> {
  const apps: App[] = [];
  const codes = new Map<string, { app: App; scopes: string[]; used: boolean }>();
  const tokens = new Map<string, string[]>();
  const metricsRequests: MetricsRequest[] = [];
  const { history } = options;
  // Scrapes before the outage, so the counters served never reset.
  const outageIndex = Math.floor((history.outage.startMs - history.startMs) / 60_000);
  const lastServed = outageIndex > 60 ? outageIndex - 1 : history.scrapes - 1;
  let served = 0;

  const registerApp = (form: Record<string, string>, response: ServerResponse) => {
    // The ApiSpec's CastAndValidate: client_name and redirect_uris are required, a 400 names the field.
    for (const field of ["client_name", "redirect_uris"]) {
      if (!form[field]) return json(response, 400, { error: `Missing field: ${field}.`, errors: [] });
    }
    const app = {
      clientId: newToken(),
      clientSecret: newToken(),
      scopes: scopeList(form.scopes ?? form.scope) ?? ["read"],
      redirectUris: form.redirect_uris as string,
    };
    apps.push(app);
    json(response, 200, {
      id: String(apps.length),
      name: form.client_name,
      client_id: app.clientId,
      client_secret: app.clientSecret,
      redirect_uri: app.redirectUris,
      website: form.website ?? null,
    });
  };

  const exchange = (request: IncomingMessage, form: Record<string, string>, response: ServerResponse) => {
    const invalid = () => json(response, 400, { error: "Invalid credentials" });
    if (form.grant_type !== "authorization_code") return json(response, 500, { error: "Bad request" });
    // Token.Utils.fetch_app: HTTP Basic first, else the body's client_id and client_secret.
    const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? "")?.[1];
    const [id, secret] = basic
      ? Buffer.from(basic, "base64").toString().split(":").map(decodeURIComponent)
      : [form.client_id, form.client_secret];
    const app = apps.find((a) => a.clientId === id && a.clientSecret === secret);
    if (!app) return invalid();
    // Token.Utils.fix_padding raises on a code that is not base64url: Akkoma answers 500.
    if (!/^[A-Za-z0-9_-]*$/.test(form.code ?? "") || (form.code ?? "").length % 4 === 1)
      return json(response, 500, { errors: { detail: "Internal server error" } });
    const grant = codes.get(form.code ?? "");
    if (!grant || grant.used || grant.app !== app) return invalid();
    grant.used = true;
    const token = newToken();
    tokens.set(token, grant.scopes);
    json(response, 200, {
      id: tokens.size,
      token_type: "Bearer",
      access_token: token,
      refresh_token: newToken(),
      expires_in: 3_153_600_000,
      scope: grant.scopes.join(" "),
      created_at: Math.floor(Date.now() / 1000),
      me: `${fake.url}/users/admin`,
    });
  };

  const metrics = (request: IncomingMessage, response: ServerResponse) => {
    const authorization = request.headers.authorization;
    const record = (status: number) =>
      metricsRequests.push({ authorization, userAgent: request.headers["user-agent"], status });
    const scopes = tokens.get(/^Bearer (.+)$/i.exec(authorization ?? "")?.[1] ?? "");
    if (!scopes) {
      record(403);
      return json(response, 403, { error: "Invalid credentials." });
    }
    // OAuthScopesPlug: admin:metrics, or a parent scope such as admin.
    if (!scopes.some((s) => s === "admin:metrics" || s === "admin")) {
      record(403);
      return json(response, 403, { error: "Insufficient permissions: admin:metrics." });
    }
    if (options.exportMetrics === false) {
      record(404);
      response.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
      return response.end("Not Found");
    }
    record(200);
    const index = Math.min(lastServed, (options.firstScrape ?? 60) + served++ * (options.scrapesPerRequest ?? 60));
    response.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
    response.end(expositionAt(history, index));
  };

  const listener = (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? "/").split("?")[0];
    const route = `${request.method} ${path}`;
    const handle = async () => {
      const form = request.method === "POST" ? await formOf(request) : {};
      if (fake.override && (await fake.override(route, form, response))) return;
      if (route === "POST /api/v1/apps") return registerApp(form, response);
      if (route === "POST /oauth/token") return exchange(request, form, response);
      if (route === "GET /api/v1/akkoma/metrics") return metrics(request, response);
      json(response, 404, { error: "Not found" });
    };
    handle().catch(() => json(response, 500, { errors: { detail: "Internal server error" } }));
  };
  const server = options.tls ? createTlsServer(options.tls, listener) : createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const fake: FakeAkkoma = {
    url: `${options.tls ? "https" : "http"}://127.0.0.1:${(server.address() as AddressInfo).port}`,
    authorize(clientId, scopes, code = newToken()) {
      const app = apps.find((a) => a.clientId === clientId);
      if (!app) throw new Error(`no app with client_id ${clientId}`);
      codes.set(code, { app, scopes: scopes ?? app.scopes, used: false });
      return code;
    },
    get issuedTokens() {
      return [...tokens.keys()];
    },
    apps,
    metricsRequests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}
