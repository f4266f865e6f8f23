// Akkoma's OAuth endpoints as `setup` uses them: an app with only admin:metrics, the page where an admin
// authorizes it, and the code exchanged for a token. Behaviour taken from Akkoma's
// lib/pleroma/web/mastodon_api/controllers/app_controller.ex (POST /api/v1/apps, `scopes` defaults to
// "read"), lib/pleroma/web/o_auth/o_auth_controller.ex (the out-of-band redirect shows the code on a page;
// a wrong code is 400 {"error": "Invalid credentials"}) and lib/pleroma/web/o_auth/o_auth_view.ex.
import { readBody, send } from "../io/http";
import { printable } from "../io/printable";
import { holdSecret, maxTokenLength } from "../io/secrets";
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

/** Akkoma's answers are a few hundred bytes; more is not Akkoma, and is not read. */
export const maxAnswerBytes = 64 * 1024;

interface Answer {
  readonly status: number;
  readonly ok: boolean;
  /** The parsed JSON body, or undefined when it is not JSON. */
  readonly json: unknown;
}

/**
 * POST `form` to `url` and read the answer, capped. The form carries secrets or asks for them: a redirect
 * is refused, never followed (io/http.ts).
 */
async function post(url: string, form: Record<string, string>, timeoutSeconds: number): Promise<Answer> {
  const response = await send(url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
    body: new URLSearchParams(form).toString(),
    secret: true,
    timeoutSeconds,
  });
  const text = await readBody(
    response,
    url,
    { maxBytes: maxAnswerBytes, timeoutSeconds },
    "is this an Akkoma instance?",
  );
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: Akkoma's crash page, or not Akkoma at all
  }
  return { status: response.status, ok: response.ok, json };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** An Akkoma answer's one-line reason: its `error` and `error_description`, else the status alone. */
function refusal(answer: Answer): string {
  const body = isObject(answer.json) ? answer.json : {};
  const said = [body.error, body.error_description].filter((text): text is string => typeof text === "string");
  return `HTTP ${answer.status}${said.length > 0 ? `: ${said.map((text) => printable(text)).join(": ")}` : ""}`;
}

function jsonOf(answer: Answer, url: string): Record<string, unknown> {
  if (!isObject(answer.json))
    throw new DashboardError(url, "answered with something that is not JSON", "is this an Akkoma instance?");
  return answer.json;
}

/** POST /api/v1/apps: the app may ask for admin:metrics and nothing else. */
export async function registerApp(
  instance: string,
  clientName: string,
  timeoutSeconds: number,
): Promise<RegisteredApp> {
  const url = `${instance}/api/v1/apps`;
  const form = { client_name: clientName, redirect_uris: outOfBand, scopes: metricsScope };
  const answer = await post(url, form, timeoutSeconds);
  if (!answer.ok) {
    throw new DashboardError(url, `could not register the app (${refusal(answer)})`, "is this an Akkoma instance?");
  }
  const app = jsonOf(answer, url);
  if (typeof app.client_id !== "string" || typeof app.client_secret !== "string" || !app.client_id) {
    throw new DashboardError(url, "answered without client_id and client_secret", "is this an Akkoma instance?");
  }
  return { instance, clientId: app.client_id, clientSecret: holdSecret(app.client_secret) };
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
  holdSecret(code);
  const answer = await post(url, form, timeoutSeconds);
  if (!answer.ok) {
    // A code that is not base64url makes Akkoma crash (500) where an unknown one is a 400.
    throw new DashboardError(
      "--code",
      `the instance refused the code (${refusal(answer)})`,
      "a code works once and expires within minutes: authorize again at the URL for a new one",
    );
  }
  const token = jsonOf(answer, url).access_token;
  // The scraper sends the file's content as a bearer token: one printable word, nothing else.
  if (typeof token !== "string" || token.length > maxTokenLength || !/^[\x21-\x7e]+$/.test(token)) {
    throw new DashboardError(
      url,
      `answered without a usable access_token (one word of printable ASCII, at most ${maxTokenLength} characters)`,
      "is this an Akkoma instance?",
    );
  }
  return holdSecret(token);
}
