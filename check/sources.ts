// Where check reads from: a file, standard input (`-`), or a live instance's URL with a token from a file.
// Every read is capped (an endless stream must not fill memory), and every URL shown is redacted.
import { createReadStream, readFileSync, statSync } from "node:fs";
import { DashboardError } from "../errors";

export const defaultMaxMiB = 16;
const MiB = 1024 * 1024;
/** Node's timers hold at most 2^31-1 ms; a longer timeout would fire at once. */
export const maxTimeoutSeconds = Math.floor((2 ** 31 - 1) / 1000);

export const isUrl = (source: string) => /^https?:\/\//i.test(source);

function parseUrl(url: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new DashboardError(redactUrls(url), "not a valid URL");
  }
}

/** A URL as shown in messages: no user:password, no query values (`?access_token=...`), no fragment. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.replace(/\/\/[^/@\s]*@/, "//REDACTED@").replace(/([?&][^=&#\s]*=)[^&#\s]*/g, "$1REDACTED");
  }
  if (parsed.username || parsed.password) {
    parsed.username = "REDACTED";
    parsed.password = "";
  }
  for (const key of new Set(parsed.searchParams.keys())) parsed.searchParams.set(key, "REDACTED");
  parsed.hash = "";
  return parsed.toString();
}

/** `text` with every http(s) URL in it redacted. */
export const redactUrls = (text: string) =>
  text.replace(/https?:\/\/[^\s"'<>]+?(?=[:,;.)]*(?:\s|$|["'<>]))/gi, (url) => redactUrl(url));

const sizeLimit = (source: string, maxBytes: number) =>
  new DashboardError(
    source,
    `larger than the ${(maxBytes / MiB).toFixed(maxBytes % MiB === 0 ? 0 : 1)} MiB limit; stopped reading`,
    "an Akkoma exposition is far smaller; raise the limit with --max-size MIB if this one is real",
  );

/** Reads a stream up to `maxBytes`; past that it stops and throws. */
async function readCapped(chunks: AsyncIterable<Uint8Array>, maxBytes: number, source: string): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.length;
    if (size > maxBytes) throw sizeLimit(source, maxBytes);
    parts.push(Buffer.from(chunk));
  }
  return Buffer.concat(parts).toString("utf8");
}

function unreadable(path: string, error: unknown, what: string): DashboardError {
  const code = (error as NodeJS.ErrnoException).code;
  const problem =
    code === "ENOENT"
      ? "no such file"
      : code === "EISDIR"
        ? "is a directory, not a file"
        : `cannot read it (${code ?? String(error)})`;
  return new DashboardError(path, problem, what);
}

/** A file's text, or standard input's for `-`; a FIFO or device is read as a stream, up to the cap. */
export async function readSource(path: string, what: string, maxBytes = defaultMaxMiB * MiB): Promise<string> {
  if (path === "-") return readCapped(process.stdin, maxBytes, "standard input");
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw Object.assign(new Error("directory"), { code: "EISDIR" });
    if (!stat.isFile()) return await readCapped(createReadStream(path), maxBytes, path);
    if (stat.size > maxBytes) throw sizeLimit(path, maxBytes);
    return readFileSync(path, "utf8");
  } catch (error) {
    if (error instanceof DashboardError) throw error;
    throw unreadable(path, error, what);
  }
}

const controlCharacter = /[\u0000-\u0008\u000b-\u001f\u007f]/;

/** The token in `path`; a file others may read gets a warning, as ssh gives for keys. */
export function readToken(path: string, warn: (line: string) => void): string {
  let text: string;
  let mode: number;
  try {
    mode = statSync(path).mode;
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw unreadable(path, error, "--token-file expects a file holding an access token with the admin:metrics scope");
  }
  if ((mode & 0o077) !== 0) {
    const octal = (mode & 0o777).toString(8).padStart(4, "0");
    warn(`warning: ${path}: permissions ${octal} let others read the token (chmod 600 ${path})`);
  }
  const token = text.trim();
  const malformed = (problem: string) =>
    new DashboardError(path, `malformed token file: ${problem}`, "it must hold only the access token");
  if (!token) throw new DashboardError(path, "is empty", "it must hold only the access token");
  if (controlCharacter.test(token)) throw malformed("it holds a control character");
  if (/\s/.test(token))
    throw new DashboardError(path, "holds more than one word", "it must hold only the access token");
  if (/[^\x21-\x7e]/.test(token)) throw malformed("it holds a character that is not printable ASCII");
  return token;
}

export interface FetchOptions {
  readonly tokenFile?: string;
  /** A token held in memory (setup proves one before writing it anywhere); wins over tokenFile. */
  readonly token?: string;
  readonly timeoutSeconds: number;
  readonly maxBytes: number;
  /** Prints a warning line. */
  readonly warn: (line: string) => void;
}

// Duck-typed: fetch's errors may come from another realm (e.g. a test VM), where instanceof Error fails.
export function whyFailed(error: unknown, timeoutSeconds: number): string {
  const failure = (error ?? {}) as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (failure.name === "TimeoutError") return `no complete answer within ${timeoutSeconds} s`;
  return failure.cause?.code ?? failure.cause?.message ?? failure.message ?? String(error);
}

/** The exposition at `url`, read within the timeout and up to the size cap. */
export async function fetchExposition(url: string, options: FetchOptions): Promise<string> {
  const { protocol, hostname, username, password } = parseUrl(url);
  const shown = redactUrl(url);
  if (username || password)
    throw new DashboardError(shown, "credentials in the URL are not supported", "put an access token in --token-file");
  const headers: Record<string, string> = { Accept: "text/plain;version=0.0.4;q=1,*/*;q=0.1" };
  const token = options.token ?? (options.tokenFile ? readToken(options.tokenFile, options.warn) : undefined);
  if (token !== undefined) {
    headers.Authorization = `Bearer ${token}`;
    if (protocol === "http:" && !["localhost", "127.0.0.1", "[::1]"].includes(hostname)) {
      options.warn(`warning: ${shown}: sending the token over plain http`);
    }
  }
  const signal = AbortSignal.timeout(options.timeoutSeconds * 1000);
  let response: Response;
  try {
    response = await fetch(url, { headers, signal });
  } catch (error) {
    throw new DashboardError(shown, `unreachable: ${whyFailed(error, options.timeoutSeconds)}`);
  }
  refuseStatus(response, shown, token !== undefined);
  if (Number(response.headers.get("content-length")) > options.maxBytes) {
    await response.body?.cancel();
    throw sizeLimit(shown, options.maxBytes);
  }
  try {
    if (!response.body) return "";
    return await readCapped(response.body as unknown as AsyncIterable<Uint8Array>, options.maxBytes, shown);
  } catch (error) {
    await response.body?.cancel().catch(() => undefined);
    if (error instanceof DashboardError) throw error;
    throw new DashboardError(shown, `reading the answer failed: ${whyFailed(error, options.timeoutSeconds)}`);
  }
}

function refuseStatus(response: Response, shown: string, sentToken: boolean): void {
  if (response.status === 401 || response.status === 403) {
    throw new DashboardError(
      shown,
      `HTTP ${response.status}: the instance refused the request`,
      sentToken
        ? "the token needs the admin:metrics scope"
        : "pass --token-file with a token that has the admin:metrics scope",
    );
  }
  if (response.status === 404) {
    throw new DashboardError(
      shown,
      "HTTP 404: no metrics here",
      "export_prometheus_metrics may be off (config :pleroma, :instance, export_prometheus_metrics: true), or the path is not /api/v1/akkoma/metrics",
    );
  }
  if (!response.ok) throw new DashboardError(shown, `HTTP ${response.status} ${response.statusText}`.trim());
}
