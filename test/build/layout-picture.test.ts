// The README's picture of the dashboard: drawn from the built dashboard, so every panel is in it where the
// dashboard puts it, and the committed file is what the build draws.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Dashboard, Panel } from "@grafana/grafana-foundation-sdk/dashboard";
import { layoutPicture } from "../../build/layout-picture";
import { outputs } from "../../config";
import { akkomaDashboard, sections } from "../../dashboards/akkoma";
import { panelsIn } from "../../dashboards/rows";
import { DashboardError } from "../../errors";
import { projectRoot } from "../support/build";

interface Box {
  readonly title: string;
  readonly type: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly dashed: boolean;
}

const unescaped = (text: string) =>
  text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");

/** Each panel's box as the picture draws it, by the title its tooltip names. */
function boxes(svg: string): Box[] {
  const panel =
    /<g class="panel"><title>(.*?) \(([^()]*)\)<\/title><rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)"([^>]*)\/>/g;
  return [...svg.matchAll(panel)].map((m) => ({
    title: unescaped(m[1] as string),
    type: m[2] as string,
    x: Number(m[3]),
    y: Number(m[4]),
    width: Number(m[5]),
    height: Number(m[6]),
    dashed: (m[7] as string).includes("stroke-dasharray"),
  }));
}

const rowHeaders = (svg: string) =>
  [...svg.matchAll(/<g class="row"><text x="\d+" y="(\d+)"[^>]*>. ([^<]*)<\/text>/g)].map((m) => ({
    y: Number(m[1]),
    title: unescaped(m[2] as string),
  }));

const builtJson = (): Dashboard => JSON.parse(JSON.stringify(akkomaDashboard(sections())));
const boxOf = (svg: string, title: string) => boxes(svg).find((box) => box.title === title) as Box;

describe("the layout picture", () => {
  const dashboard = builtJson();
  const svg = layoutPicture(dashboard);
  const panels = panelsIn(dashboard.panels as Panel[]);

  it("draws every panel once, with its title and type", () => {
    expect(panels.length).toBeGreaterThan(20);
    expect(boxes(svg).map(({ title, type }) => [title, type])).toEqual(panels.map((p) => [p.title, p.type]));
  });

  it("heads each row with its title, collapsed ones said so", () => {
    const rows = (dashboard.panels as Panel[]).filter((p) => p.type === "row");
    expect(rowHeaders(svg).map((row) => row.title)).toEqual(
      rows.map((row) => `${row.title}${(row as { collapsed?: boolean }).collapsed ? " (starts collapsed)" : ""}`),
    );
  });

  it("sizes each box in proportion to its gridPos", () => {
    const columnWidth = (box: Box, panel: Panel) => (box.width + 4) / (panel.gridPos?.w as number);
    const widths = panels.map((panel) => columnWidth(boxOf(svg, panel.title as string), panel));
    expect(new Set(widths).size).toBe(1);
  });

  it("moves a panel's box, and only its box, when the panel moves", () => {
    const moved = builtJson();
    const up = panelsIn(moved.panels as Panel[]).find((panel) => panel.title === "Up") as Panel;
    const before = boxOf(svg, "Up");
    const columnWidth = (before.width + 4) / (up.gridPos?.w as number);
    up.gridPos = { ...up.gridPos!, x: up.gridPos!.x + 3, y: up.gridPos!.y + 2 };
    const after = layoutPicture(moved);
    expect(boxOf(after, "Up").x - before.x).toBe(3 * columnWidth);
    expect(boxOf(after, "Up").y).toBeGreaterThan(before.y);
    const others = (picture: string) => boxes(picture).filter((box) => box.title !== "Up");
    expect(others(after)).toEqual(others(svg));
  });

  it("draws a collapsed row's panels dashed under its header, and what follows below them", () => {
    const [status, activity] = sections();
    const folded = { ...status!, title: "Folded", collapsed: true, panels: status!.panels.slice(0, 2) };
    const open = { ...activity!, title: "Open", panels: activity!.panels.slice(0, 1) };
    const picture = layoutPicture(JSON.parse(JSON.stringify(akkomaDashboard([folded, open]))));
    const [foldedRow, openRow] = rowHeaders(picture);
    const drawn = boxes(picture);
    expect(drawn.map((box) => box.dashed)).toEqual([true, true, false]);
    const foldedBottom = Math.max(...drawn.slice(0, 2).map((box) => box.y + box.height));
    expect(drawn[0]!.y).toBeGreaterThan(foldedRow!.y);
    expect(openRow!.y).toBeGreaterThan(foldedBottom);
    expect(drawn[2]!.y).toBeGreaterThan(openRow!.y);
  });

  it("is well-formed XML, which GitHub and Forgejo need to show it: tags closed in order, no attribute twice", () => {
    const open: string[] = [];
    const faults: string[] = [];
    for (const [tag, closing, name, attributes, selfClosing] of svg.matchAll(
      /<(\/?)([a-z]+)((?:\s+[A-Za-z-]+="[^"<]*")*)\s*(\/?)>/g,
    )) {
      const names = [...attributes!.matchAll(/([A-Za-z-]+)="/g)].map((m) => m[1] as string);
      if (new Set(names).size !== names.length) faults.push(`${tag}: an attribute twice`);
      if (closing) {
        if (open.pop() !== name) faults.push(`${tag}: closes what is not open`);
      } else if (!selfClosing) open.push(name!);
    }
    expect(faults).toEqual([]);
    expect(open).toEqual([]);
    // nothing but tags and text: a stray "<" or "&" would end the picture there
    expect(svg.replace(/<[^<>]*>/g, "").replace(/&(amp|lt|gt|quot);/g, "")).not.toMatch(/[<>&]/);
  });

  it("is the same bytes every time, and the committed picture is the one the build draws", () => {
    expect(layoutPicture(builtJson())).toBe(svg);
    expect(readFileSync(join(projectRoot, outputs.layoutPicture), "utf8")).toBe(svg);
  });

  it("escapes titles and cuts the ones longer than their box", () => {
    const odd = builtJson();
    const up = panelsIn(odd.panels as Panel[]).find((panel) => panel.title === "Up") as Panel;
    up.title = `Up <&> "now" ${"and then ".repeat(10)}`;
    const picture = layoutPicture(odd);
    expect(boxOf(picture, up.title)).toBeDefined();
    expect(picture).not.toContain("<&>");
    expect(picture).toMatch(/>Up &lt;&amp;&gt;[^<]*…<\/text>/);
  });

  it("refuses a panel without a place, naming it", () => {
    const broken = builtJson();
    const up = panelsIn(broken.panels as Panel[]).find((panel) => panel.title === "Up") as Panel;
    delete up.gridPos;
    expect(() => layoutPicture(broken)).toThrow(DashboardError);
    expect(() => layoutPicture(broken)).toThrow(/panel "Up": has no gridPos/);
  });
});
