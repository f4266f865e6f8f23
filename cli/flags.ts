// What every command shares: the program's name, its exit codes, and flags given once.
import { DashboardError } from "../errors";
import { defaultTimeoutSeconds, maxTimeoutSeconds } from "../io/sources";

export const program = "akkoma-dashboards";

/** 0 fine; 1 `check` found something missing; 2 bad input; 70 (EX_SOFTWARE) a bug in this program. */
export const exitCodes = { ok: 0, missing: 1, badInput: 2, internal: 70 } as const;

/** A coerce for a flag that takes one value: a repeated flag or an empty value is an error naming it. */
export const single =
  <T = string>(flag: string) =>
  (value: T | T[]): T => {
    if (Array.isArray(value)) throw new DashboardError(`--${flag}`, `given ${value.length} times; give it once`);
    if (value === "") throw new DashboardError(`--${flag}`, "needs a value");
    if (typeof value === "number" && Number.isNaN(value)) throw new DashboardError(`--${flag}`, "expected a number");
    return value;
  };

/**
 * `--timeout`, as every command that reads from outside takes it: seconds above 0, and at most what
 * Node's timers hold (a longer one would fire at once). The one check of it.
 */
export const timeoutOption = (describe: string) =>
  ({
    type: "number",
    default: defaultTimeoutSeconds,
    requiresArg: true,
    coerce: (value: number | number[]): number => {
      const seconds = single<number>("timeout")(value);
      if (!(seconds > 0 && seconds <= maxTimeoutSeconds))
        throw new DashboardError("--timeout", `expected a number of seconds above 0 and at most ${maxTimeoutSeconds}`);
      return seconds;
    },
    describe,
  }) as const;

/**
 * yargs reads `--flag=anything` of a boolean flag as false unless it says "true": `--api-body=maybe`
 * would quietly mean no. Refuses any value but true or false.
 */
export function refuseBooleanValues(argv: readonly string[], flags: readonly string[]): void {
  for (const arg of argv) {
    if (arg === "--") return;
    const given = /^--([^=]+)=(.*)$/s.exec(arg);
    if (given && flags.includes(given[1] as string) && !["true", "false"].includes(given[2] as string))
      throw new DashboardError(`--${given[1]}`, `takes no value, or true or false; got ${JSON.stringify(given[2])}`);
  }
}

/**
 * yargs takes an argument that starts with "-" for a flag, never a value: `--code -Xk3…` failed with "Not
 * enough arguments following: code". Akkoma's authorization codes are base64url, so one in 64 starts with
 * "-". A flag whose value is opaque takes the next argument, as `--flag=value`, unless it reads as a flag
 * of ours (`--engine`, `--force=true`): a value left out is still said to be missing.
 */
export function withOpaqueValues(argv: readonly string[], flags: readonly string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") return [...joined, ...argv.slice(i)];
    const next = argv[i + 1];
    if (flags.some((flag) => arg === `--${flag}`) && next !== undefined && !/^--[a-z][a-z-]*(=.*)?$/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  return joined;
}
