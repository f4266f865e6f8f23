// Where check reads from: a file, standard input (`-`), or a live instance's URL with a token from a file.
// Every read is capped (an endless stream must not fill memory), and every URL shown is redacted.
import { closeSync, constants, createReadStream, open, openSync, readFileSync, statSync } from "node:fs";
import { Socket } from "node:net";
import { DashboardError } from "../errors";
import { plainHttpWarning, readFailed, send } from "./http";
import { printable, redactUrl, redactUrls } from "./printable";
import { holdSecret, maxTokenLength } from "./secrets";

export const defaultMaxMiB = 16;
export const defaultTimeoutSeconds = 15;
const MiB = 1024 * 1024;
/**
 * What --max-size may say: a read is decoded into one string, and V8's longest (2^29 - 24 characters
 * on 64-bit) is the hard wall; half of it leaves room for the copies a parse makes on the way.
 */
export const maxMaxMiB = 256;
/** Node's timers hold at most 2^31-1 ms; a longer timeout would fire at once. */
export const maxTimeoutSeconds = Math.floor((2 ** 31 - 1) / 1000);

/** How much a read may take, in bytes and in time; every input goes through them. */
export interface ReadLimits {
  readonly maxBytes: number;
  readonly timeoutSeconds: number;
}

export const defaultLimits: ReadLimits = { maxBytes: defaultMaxMiB * MiB, timeoutSeconds: defaultTimeoutSeconds };

export const isUrl = (source: string) => /^https?:\/\//i.test(source);

// Where they stood before http.ts and printable.ts took them; tune/engine.ts still imports them from here.

function parseUrl(url: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new DashboardError(redactUrls(url), "not a valid URL");
  }
}

/** What each flag's input is, for the size limit's hint: the size that is ordinary for it. */
const typicalSize: Record<string, string> = {
  "--metrics": "an Akkoma exposition is far smaller",
  "--telemetry": "Akkoma's telemetry.ex is far smaller",
  "--dashboard": "a Grafana dashboard is rarely over a few MiB",
  "--rules": "a rule file is rarely over a few MiB",
  "--token-file": "a token file holds one line",
};

const sizeLimit = (source: string, maxBytes: number, flag = "--metrics") =>
  new DashboardError(
    source,
    `larger than the ${(maxBytes / MiB).toFixed(maxBytes % MiB === 0 ? 0 : 1)} MiB limit; stopped reading`,
    `${typicalSize[flag] ?? "inputs are far smaller"}; raise the limit with --max-size MIB if this one is real`,
  );

/** Reads a stream up to `maxBytes`; past that it stops and throws. */
async function readCapped(
  chunks: AsyncIterable<Uint8Array>,
  maxBytes: number,
  source: string,
  flag?: string,
): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.length;
    if (size > maxBytes) throw sizeLimit(source, maxBytes, flag);
    parts.push(Buffer.from(chunk));
  }
  return Buffer.concat(parts);
}

const tooSlow = (source: string, seconds: number) =>
  new DashboardError(source, `nothing complete within ${seconds} s; stopped reading`, "raise --timeout if it is slow");

/** `read()`'s result, unless the deadline passes first: then `stop()` ends the read and it throws. */
async function withDeadline<T>(read: Promise<T>, limits: ReadLimits, source: string, stop: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      stop();
      reject(tooSlow(source, limits.timeoutSeconds));
    }, limits.timeoutSeconds * 1000);
  });
  try {
    return await Promise.race([read, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A FIFO's or device's bytes, within the limits. Opening a FIFO waits for a writer inside Node's thread
 * pool, where nothing can cancel it: on time-out the reader opens it for writing itself, which lets that
 * open return, so the process can end. A FIFO is then read as a socket, which can be closed mid-read.
 */
async function readSpecial(path: string, fifo: boolean, limits: ReadLimits, flag?: string): Promise<Buffer> {
  if (!fifo) {
    const stream = createReadStream(path);
    return withDeadline(readCapped(stream, limits.maxBytes, path, flag), limits, path, () => stream.destroy());
  }
  const opened = new Promise<number>((resolve, reject) =>
    open(path, constants.O_RDONLY, (error, fd) => (error ? reject(error) : resolve(fd))),
  );
  const fd = await withDeadline(opened, limits, path, () => {
    try {
      closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // the open returned meanwhile
    }
    void opened.then(closeSync, () => undefined);
  });
  const socket = new Socket({ fd, readable: true, writable: false });
  try {
    return await withDeadline(readCapped(socket, limits.maxBytes, path, flag), limits, path, () => socket.destroy());
  } finally {
    socket.destroy();
  }
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

/** Every input read so far (`-` is standard input), with the flag it came by: no output may be one of them. */
const inputs = new Map<string, string>();
export const inputsRead = (): ReadonlyMap<string, string> => inputs;

/**
 * A file's text, or standard input's for `-`, within `limits`; a FIFO or device is read as a stream.
 * `strict`: bytes that are not UTF-8 are an error instead of U+FFFD. `what` starts with the flag.
 */
export async function readSource(
  path: string,
  what: string,
  limits: ReadLimits = defaultLimits,
  strict = false,
): Promise<string> {
  const shown = path === "-" ? "standard input" : path;
  const flag = /^--[\w-]+/.exec(what)?.[0];
  inputs.set(path, flag ?? shown);
  let bytes: Buffer;
  try {
    if (path === "-") {
      bytes = await withDeadline(readCapped(process.stdin, limits.maxBytes, shown, flag), limits, shown, () =>
        process.stdin.destroy(),
      );
    } else {
      const stat = statSync(path);
      if (stat.isDirectory()) throw Object.assign(new Error("directory"), { code: "EISDIR" });
      if (!stat.isFile()) bytes = await readSpecial(path, stat.isFIFO(), limits, flag);
      else if (stat.size > limits.maxBytes) throw sizeLimit(path, limits.maxBytes, flag);
      else bytes = readFileSync(path);
    }
  } catch (error) {
    if (error instanceof DashboardError) throw error;
    throw unreadable(path, error, what);
  }
  return strict ? decodeStrictly(bytes, shown) : bytes.toString("utf8");
}

function decodeStrictly(bytes: Buffer, source: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const text = bytes.toString("utf8");
    const line = text.slice(0, text.indexOf("\ufffd")).split("\n").length;
    throw new DashboardError(`${source}:${line}`, "not UTF-8 text", "save it as UTF-8");
  }
}

const controlCharacter = /[\u0000-\u0008\u000b-\u001f\u007f]/;

/** The token in `path`, read within `limits`; a file others may read gets a warning, as ssh gives for keys. */
export async function readToken(path: string, warn: (line: string) => void, limits: ReadLimits): Promise<string> {
  const what = "--token-file expects a file holding an access token with the admin:metrics scope";
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (error) {
    throw unreadable(path, error, what);
  }
  const text = await readSource(path, what, limits);
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
  if (token.length > maxTokenLength) throw malformed(`longer than ${maxTokenLength} characters`);
  return holdSecret(token);
}

export interface FetchOptions extends ReadLimits {
  readonly tokenFile?: string;
  /** A token held in memory (setup proves one before writing it anywhere); wins over tokenFile. */
  readonly token?: string;
  /** Prints a warning line. */
  readonly warn: (line: string) => void;
}

/** The exposition at `url`, read within the timeout and up to the size cap. */
export async function fetchExposition(url: string, options: FetchOptions): Promise<string> {
  const { username, password } = parseUrl(url);
  const shown = redactUrl(url);
  if (username || password)
    throw new DashboardError(shown, "credentials in the URL are not supported", "put an access token in --token-file");
  const headers: Record<string, string> = { Accept: "text/plain;version=0.0.4;q=1,*/*;q=0.1" };
  const token =
    options.token ?? (options.tokenFile ? await readToken(options.tokenFile, options.warn, options) : undefined);
  if (token !== undefined) {
    headers.Authorization = `Bearer ${token}`;
    const warning = plainHttpWarning(url, "the token");
    if (warning) options.warn(warning);
  }
  const response = await send(url, { headers, secret: token !== undefined, timeoutSeconds: options.timeoutSeconds });
  refuseStatus(response, shown, token !== undefined);
  if (Number(response.headers.get("content-length")) > options.maxBytes) {
    await response.body?.cancel();
    throw sizeLimit(shown, options.maxBytes);
  }
  try {
    if (!response.body) return "";
    const body = response.body as unknown as AsyncIterable<Uint8Array>;
    return (await readCapped(body, options.maxBytes, shown)).toString("utf8");
  } catch (error) {
    await response.body?.cancel().catch(() => undefined);
    if (error instanceof DashboardError) throw error;
    throw readFailed(shown, error, options.timeoutSeconds);
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
  // The reason phrase is the server's text: Latin-1 bytes there decode to C1 controls.
  if (!response.ok) throw new DashboardError(shown, `HTTP ${response.status} ${printable(response.statusText)}`.trim());
}
