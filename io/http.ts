// Every HTTP request a command makes, with one policy for redirects. A request that carries a secret (a
// bearer token; a client secret and code in a form) must reach the origin it was written for and no other:
// fetch's own following would send a POST's body again to wherever a 307 or 308 points, and a GET's
// query to any host. So redirects are followed here, by hand: a POST never (its answer names where it
// was sent), a GET carrying a secret only within its origin (scheme, host and port), never down to http.
import { DashboardError } from "../errors";
import { printable, redactUrl } from "./printable";

export interface HttpRequest {
  readonly method?: "GET" | "POST";
  readonly headers?: Readonly<Record<string, string>>;
  /** A form or JSON text (POST only). */
  readonly body?: string;
  /** The request holds a secret (token, client secret, code): redirects never leave its origin. */
  readonly secret: boolean;
  readonly timeoutSeconds: number;
}

/** Redirects a GET follows at most, as curl's --max-redirs in scripts often says. */
const maxRedirects = 5;
const redirects = new Set([301, 302, 303, 307, 308]);

const plainHttp = (url: URL) => url.protocol === "http:" && !isLoopback(url.hostname);

/** localhost, 127.0.0.0/8 and ::1: plain http there never leaves the machine. */
export function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** The warning for a secret sent over plain http off this machine, or undefined. */
export function plainHttpWarning(url: string, what: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  return plainHttp(parsed) ? `warning: ${redactUrl(url)}: sending ${what} over plain http` : undefined;
}

/**
 * The answer to `request` at `url`, redirects followed only as the policy above allows; a refused redirect
 * is a DashboardError naming the URL and where it pointed. The caller reads (and bounds) the body.
 */
export async function send(url: string, request: HttpRequest): Promise<Response> {
  const method = request.method ?? "GET";
  const signal = AbortSignal.timeout(request.timeoutSeconds * 1000);
  const first = new URL(url);
  let current = first;
  for (let hop = 0; ; hop++) {
    const shown = redactUrl(current.toString());
    let response: Response;
    try {
      response = await fetch(current, {
        method,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        redirect: "manual",
        signal,
      });
    } catch (error) {
      throw requestFailed(shown, error, request.timeoutSeconds);
    }
    const location = response.headers.get("location");
    if (!redirects.has(response.status) || location === null) return response;
    await response.body?.cancel().catch(() => undefined);
    let next: URL;
    try {
      next = new URL(location, current);
    } catch {
      throw new DashboardError(shown, `HTTP ${response.status}: a redirect to an invalid URL ${printable(location)}`);
    }
    const refuse = (why: string, hint: string) =>
      new DashboardError(
        shown,
        `HTTP ${response.status}: redirects to ${printable(redactUrl(next.toString()))}; ${why}`,
        hint,
      );
    const trusted = "use the address it redirects to instead, if you trust it";
    if (method !== "GET") throw refuse(`a ${method} is not sent on to another address`, trusted);
    if (request.secret && current.protocol === "https:" && next.protocol === "http:")
      throw refuse("down to plain http, where the secret would travel in the clear: not followed", trusted);
    if (request.secret && next.origin !== first.origin)
      throw refuse("another origin, where the secret would go: not followed", trusted);
    if (hop >= maxRedirects) throw new DashboardError(shown, `more than ${maxRedirects} redirects; stopped`);
    current = next;
  }
}

/**
 * The body of `response` as text, at most `maxBytes` (an endless answer must not fill memory); past that
 * the read stops and throws, with `hint` saying what to do.
 */
const sizeText = (bytes: number) =>
  bytes >= 2 ** 20
    ? `${Number((bytes / 2 ** 20).toPrecision(3))} MiB`
    : `${Number((bytes / 2 ** 10).toPrecision(3))} KiB`;

export async function readBody(
  response: Response,
  shown: string,
  limits: { readonly maxBytes: number; readonly timeoutSeconds: number },
  hint: string,
): Promise<string> {
  const tooLarge = () =>
    new DashboardError(shown, `an answer larger than the ${sizeText(limits.maxBytes)} limit; stopped reading`, hint);
  if (Number(response.headers.get("content-length")) > limits.maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!response.body) return "";
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > limits.maxBytes) throw tooLarge();
      parts.push(Buffer.from(chunk));
    }
  } catch (error) {
    await response.body.cancel().catch(() => undefined);
    if (error instanceof DashboardError) throw error;
    throw readFailed(shown, error, limits.timeoutSeconds);
  }
  return Buffer.concat(parts).toString("utf8");
}

// Duck-typed: fetch's errors may come from another realm (e.g. a test VM), where instanceof Error fails.
const isTimeout = (error: unknown) => (error as { name?: string } | undefined)?.name === "TimeoutError";

/** The one way a timeout is said, before the answer's headers or within its body: load decides which. */
const timedOut = (shown: string, timeoutSeconds: number) =>
  new DashboardError(
    shown,
    `timed out after ${timeoutSeconds} s with no complete answer`,
    "raise --timeout if it is slow",
  );

/** A request that got no answer: a slow server timed out, which is not being unreachable. */
export function requestFailed(shown: string, error: unknown, timeoutSeconds: number): DashboardError {
  if (isTimeout(error)) return timedOut(shown, timeoutSeconds);
  return new DashboardError(shown, `unreachable: ${whyFailed(error)}`);
}

/** An answer whose body stopped coming: timed out as a silent server does, or cut off. */
export function readFailed(shown: string, error: unknown, timeoutSeconds: number): DashboardError {
  if (isTimeout(error)) return timedOut(shown, timeoutSeconds);
  return new DashboardError(shown, `reading the answer failed: ${whyFailed(error)}`);
}

function whyFailed(error: unknown): string {
  const failure = (error ?? {}) as { message?: string; cause?: { code?: string; message?: string } };
  return failure.cause?.code ?? failure.cause?.message ?? failure.message ?? String(error);
}
