// The README and docs/ link to each other and to the project's files: every relative link must lead to a
// file that exists, and an anchor to a heading of that page, or a newcomer follows it into nothing.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { projectRoot } from "../support/build";
import { documentation } from "../support/docs";

/** A page `npm run bench` writes (bench/run.ts): linked before a bench ever ran on this clone. */
const writtenByBench = join("docs", "benchmarks.md");

/** GitHub's and Forgejo's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
const anchorOf = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\- ]/gu, "")
    .replace(/ /g, "-");

/** The anchors of a Markdown page's headings (those in fenced code are no headings). */
function anchorsIn(text: string): Set<string> {
  const outsideCode = text.replace(/```[\s\S]*?```/g, "");
  return new Set([...outsideCode.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1] as string)));
}

/** Each link's target, outside fenced and inline code, with the page it is on. */
function linksIn(path: string, text: string): { from: string; target: string }[] {
  const prose = text.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "code");
  return [...prose.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => ({ from: path, target: m[1] as string }));
}

const pages = documentation();
const relativeLinks = pages
  .flatMap(({ path, text }) => linksIn(path, text))
  .filter(({ target }) => !/^[a-z][a-z0-9+.-]*:/i.test(target));

it("the README and docs/ link to one another and to the project's files", () => {
  expect(pages.map((page) => page.path)).toContain(join("docs", "architecture.md"));
  expect(relativeLinks.length).toBeGreaterThan(30);
  expect(relativeLinks.some(({ target }) => target.includes("#"))).toBe(true);
});

it("every relative link leads to a file, and its anchor to a heading of that page", () => {
  const broken = relativeLinks.flatMap(({ from, target }) => {
    const [file, anchor] = target.split("#") as [string, string | undefined];
    const path = file === "" ? from : normalize(join(dirname(from), decodeURIComponent(file)));
    if (path.startsWith("..")) return [`${from}: ${target} (outside the project)`];
    if (!existsSync(join(projectRoot, path)))
      return path === writtenByBench ? [] : [`${from}: ${target} (no such file)`];
    if (anchor === undefined) return [];
    if (!path.endsWith(".md")) return [`${from}: ${target} (an anchor into a file that is not Markdown)`];
    const anchors = anchorsIn(readFileSync(join(projectRoot, path), "utf8"));
    return anchors.has(anchor) ? [] : [`${from}: ${target} (no heading "${anchor}" in ${path})`];
  });
  expect(broken).toEqual([]);
});

it("the README shows the picture of the layout that the build draws, near its top", () => {
  const readme = pages[0]!.text;
  const picture = readme.indexOf("](out/dashboard-layout.svg)");
  expect(picture).toBeGreaterThan(0);
  expect(readme.slice(0, picture).split("\n").length).toBeLessThan(20);
});

it("the README stays short enough to read in ten minutes, the two commands first", () => {
  const readme = pages[0]!.text;
  expect(readme.split("\n").length).toBeLessThanOrEqual(200);
  const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
  expect(firstBlock).toMatch(/^npm ci && npm run build\b/m);
  expect(firstBlock).toMatch(/^npm test\b/m);
});
