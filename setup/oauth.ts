// Akkoma's OAuth endpoints as `setup` uses them: an app with only admin:metrics, the page where an admin
// authorizes it, and the code exchanged for a token. Behaviour taken from Akkoma's
// lib/pleroma/web/mastodon_api/controllers/app_controller.ex (POST /api/v1/apps, `scopes` defaults to
// "read"), lib/pleroma/web/o_auth/o_auth_controller.ex (the out-of-band redirect shows the code on a page;
// a wrong code is 400 {"error": "Invalid credentials"}) and lib/pleroma/web/o_auth/o_auth_view.ex.
import { whyFailed } from "../io/sources";
import { DashboardError } from "../errors";

export const metricsScope = "admin:metrics";
/** Akkoma then shows the code on its page instead of redirecting to a web app. */
export const outOfBand = "urn:ietf:wg:oauth:2.0:oob";

export interface RegisteredApp {
  /** The instance's origin, e.g. https://social.example.org */
  readonly instance: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/** An Akkoma answer's one-line reason: its `error` field, else the status alone (never the body's other fields). */
async function refusal(response: Response): Promise<string> {
  let reason = "";
  try {
    const body = (await response.json()) as { error?: unknown };
    if (typeof body.error === "string") reason = `: ${body.error.replace(/\s+/g, " ").slice(0, 200)}`;
  } catch {
    // not JSON: Akkoma's crash page, or not Akkoma at all
  }
  return `HTTP ${response.status}${reason}`;
}

async function post(url: string, form: Record<string, string>, timeoutSeconds: number): Promise<Response> {
  try {
    return await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(timeoutSeconds * 1000),
    });
  } catch (error) {
    throw new DashboardError(url, `unreachable: ${whyFailed(error, timeoutSeconds)}`);
  }
}

async function jsonOf(response: Response, url: string): Promise<Record<string, unknown>> {
  try {
    return (await response.json()) as Record<string, unknown>;
  } catch {
    throw new DashboardError(url, "answered with something that is not JSON", "is this an Akkoma instance?");
  }
}

/** POST /api/v1/apps: the app may ask for admin:metrics and nothing else. */
export async function registerApp(
  instance: string,
  clientName: string,
  timeoutSeconds: number,
): Promise<RegisteredApp> {
  const url = `${instance}/api/v1/apps`;
  const form = { client_name: clientName, redirect_uris: outOfBand, scopes: metricsScope };
  const response = await post(url, form, timeoutSeconds);
  if (!response.ok) {
    throw new DashboardError(
      url,
      `could not register the app (${await refusal(response)})`,
      "is this an Akkoma instance?",
    );
  }
  const app = await jsonOf(response, url);
  if (typeof app.client_id !== "string" || typeof app.client_secret !== "string" || !app.client_id) {
    throw new DashboardError(url, "answered without client_id and client_secret", "is this an Akkoma instance?");
  }
  return { instance, clientId: app.client_id, clientSecret: app.client_secret };
}

/** The page an admin opens, signed in, to authorize the app; Akkoma then shows the code. */
export function authorizeUrl(app: RegisteredApp): string {
  const query = new URLSearchParams({
    client_id: app.clientId,
    redirect_uri: outOfBand,
    response_type: "code",
    scope: metricsScope,
  });
  return `${app.instance}/oauth/authorize?${query.toString()}`;
}

/** POST /oauth/token: the code for an access token. The token is returned, never shown. */
export async function exchangeCode(app: RegisteredApp, code: string, timeoutSeconds: number): Promise<string> {
  const url = `${app.instance}/oauth/token`;
  const form = {
    grant_type: "authorization_code",
    code,
    client_id: app.clientId,
    client_secret: app.clientSecret,
    redirect_uri: outOfBand,
  };
  const response = await post(url, form, timeoutSeconds);
  if (!response.ok) {
    // A code that is not base64url makes Akkoma crash (500) where an unknown one is a 400.
    throw new DashboardError(
      "--code",
      `the instance refused the code (${await refusal(response)})`,
      "a code works once and expires within minutes: authorize again at the URL for a new one",
    );
  }
  const token = (await jsonOf(response, url)).access_token;
  // The scraper sends the file's content as a bearer token: one printable word, nothing else.
  if (typeof token !== "string" || !/^[\x21-\x7e]+$/.test(token)) {
    throw new DashboardError(url, "answered without a usable access_token", "is this an Akkoma instance?");
  }
  return token;
}
