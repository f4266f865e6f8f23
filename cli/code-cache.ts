// Loads a CommonJS file through a vm.Script with V8's code cache. Node 20 has no built-in compile cache
// (module.enableCompileCache came in 22), and compiling the CLI's ~2.6 MB bundle (the SDK, prettier,
// yargs) or ~400 kB of generated validators on every run costs more than the build itself.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { Script } from "node:vm";

export interface CachedModule {
  exports: Record<string, unknown>;
  /** Writes V8's code for everything run so far, if there was no usable cache. */
  saveCodeCache(options?: { force?: boolean }): void;
}

// V8 accepts a cache made for any source of the same length, so a rebuilt file whose strings changed
// but not its size would run stale code. Each cache starts with the SHA-256 of the source it is for.
const digestLength = 32;

function readCache(cacheFile: string, digest: Buffer): Buffer | undefined {
  if (!existsSync(cacheFile)) return undefined;
  const cache = readFileSync(cacheFile);
  return cache.subarray(0, digestLength).equals(digest) ? cache.subarray(digestLength) : undefined;
}

export function requireWithCodeCache(file: string, cacheFile: string): CachedModule {
  // A `#!` line is only legal at the very start of a file, not inside the module wrapper.
  const source = readFileSync(file, "utf8").replace(/^#!.*/, "");
  const digest = createHash("sha256").update(source).digest();
  const cachedData = readCache(cacheFile, digest);
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    cachedData,
  });
  const module = { exports: {} as Record<string, unknown> };
  (script.runInThisContext() as (...args: unknown[]) => void)(
    module.exports,
    createRequire(file),
    module,
    file,
    dirname(file),
  );
  return {
    exports: module.exports,
    saveCodeCache({ force = false } = {}) {
      if (!force && cachedData && !script.cachedDataRejected) return;
      try {
        const temp = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(temp, Buffer.concat([digest, script.createCachedData()]));
        renameSync(temp, cacheFile);
      } catch {
        // A read-only install only loses speed.
      }
    },
  };
}
