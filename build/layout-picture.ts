// A picture of the dashboard's layout (out/dashboard-layout.svg) for the README: drawn from the built
// dashboard's rows, places, sizes, titles and types, so it shows what the file holds and cannot drift.
// A wireframe in Grafana's dark theme: nothing is queried, each panel's type is sketched.
import type { Dashboard, GridPos } from "@grafana/grafana-foundation-sdk/dashboard";
import { gridWidth } from "../dashboards/layout";
import { type PanelListEntry, rowsOf } from "../dashboards/rows";
import { DashboardError } from "../errors";

/** What the picture reads of a panel list entry. */
interface Entry extends PanelListEntry {
  readonly title?: string;
  readonly gridPos?: GridPos;
  readonly collapsed?: boolean;
}

/** Pixels of one grid column and one grid unit of height (Grafana's is 30; a little less reads better small). */
const column = 40;
const unit = 26;
const margin = 12;
const gap = 4;
const titleSize = 12;
/** An estimate of a character's width at the title size: titles longer than their box are cut with "…". */
const charWidth = 6.6;

const colours = {
  background: "#111217",
  panel: "#181b1f",
  border: "#2c3235",
  title: "#ccccdc",
  muted: "#6e7077",
  sketch: "#73bf69",
  row: "#d8d9da",
} as const;

/** The SVG of the dashboard's layout; the same bytes for the same dashboard. */
export function layoutPicture(dashboard: Dashboard): string {
  const shapes: string[] = [];
  // A collapsed row holds its panels: drawn folded open under its header, they push what follows down.
  let shift = 0;
  let bottom = 0;
  for (const { row, panels, folded: held } of rowsOf((dashboard.panels ?? []) as Entry[])) {
    if (row) {
      const y = placeOf(row).y + shift;
      shapes.push(rowHeader(row, y));
      bottom = Math.max(bottom, y + 1);
    }
    const folded = new Set(held);
    const foldedTop = Math.min(...[...folded].map((panel) => placeOf(panel).y));
    const foldedOffset = row ? placeOf(row).y + 1 + shift - foldedTop : 0;
    let foldedBottom = 0;
    for (const panel of panels) {
      const place = placeOf(panel);
      const inFold = folded.has(panel);
      const y = place.y + (inFold ? foldedOffset : shift);
      shapes.push(panelBox(panel, { ...place, y }, inFold));
      if (inFold) foldedBottom = Math.max(foldedBottom, y + place.h);
      bottom = Math.max(bottom, y + place.h);
    }
    if (folded.size > 0 && row) shift = foldedBottom - (placeOf(row).y + 1);
  }
  const width = margin * 2 + gridWidth * column;
  const height = margin * 2 + bottom * unit;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"` +
      ` font-family="Inter, Helvetica, Arial, sans-serif" font-size="${titleSize}">`,
    `<title>${escaped(dashboard.title ?? "dashboard")}: layout</title>`,
    `<rect width="${width}" height="${height}" fill="${colours.background}"/>`,
    ...shapes,
    "</svg>",
    "",
  ].join("\n");
}

function placeOf(entry: Entry): GridPos {
  const place = entry.gridPos;
  const whole = (n: unknown) => typeof n === "number" && Number.isInteger(n) && n >= 0;
  if (!place || ![place.x, place.y, place.w, place.h].every(whole)) {
    throw new DashboardError(
      `panel "${entry.title ?? "(untitled)"}"`,
      "has no gridPos of whole numbers, so the layout picture cannot place it",
    );
  }
  return place;
}

function rowHeader(row: Entry, y: number): string {
  const top = margin + y * unit;
  const mark = row.collapsed === true ? "▸" : "▾";
  const note = row.collapsed === true ? " (starts collapsed)" : "";
  return (
    `<g class="row"><text x="${margin + gap}" y="${top + unit / 2 + 5}" fill="${colours.row}" font-size="14"` +
    ` font-weight="600">${mark} ${escaped(row.title ?? "")}${escaped(note)}</text></g>`
  );
}

function panelBox(panel: Entry, place: GridPos, folded: boolean): string {
  const x = margin + place.x * column + gap / 2;
  const y = margin + place.y * unit + gap / 2;
  const w = place.w * column - gap;
  const h = place.h * unit - gap;
  const title = panel.title ?? "";
  const type = typeof panel.type === "string" ? panel.type : "panel";
  const dashes = folded ? ` stroke-dasharray="4 3"` : "";
  return [
    `<g class="panel">`,
    `<title>${escaped(title)} (${escaped(type)})</title>`,
    `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="2" fill="${colours.panel}" stroke="${colours.border}"${dashes}/>`,
    `<text x="${x + 8}" y="${y + 18}" fill="${colours.title}" font-weight="500">${escaped(cut(title, w - 16))}</text>`,
    sketch(type, { x: x + 8, y: y + 26, w: w - 16, h: h - 34 }),
    `<text x="${x + w - 6}" y="${y + h - 6}" fill="${colours.muted}" font-size="10" text-anchor="end">${escaped(type)}</text>`,
    `</g>`,
  ].join("");
}

interface Area {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** A few strokes that say the panel's type at a glance, as a screenshot would; nothing for the others. */
function sketch(type: string, area: Area): string {
  if (area.w < 24 || area.h < 16) return "";
  const stroke = (width: number) => `fill="none" stroke="${colours.sketch}" stroke-width="${width}" opacity="0.6"`;
  const { x, y, w, h } = area;
  const at = (fx: number, fy: number) => `${round(x + fx * w)},${round(y + fy * h)}`;
  switch (type) {
    case "timeseries": {
      const wave = [0.7, 0.55, 0.62, 0.35, 0.48, 0.3, 0.42, 0.2, 0.38, 0.28];
      const points = wave.map((fy, index) => at(index / (wave.length - 1), fy));
      return `<polyline points="${points.join(" ")}" ${stroke(1.5)}/>`;
    }
    case "gauge": {
      const r = round(Math.min(w / 2, h) * 0.8);
      const cx = round(x + w / 2);
      const cy = round(y + h * 0.9);
      return `<path d="M ${cx - r} ${cy} A ${r} ${r} 0 0 1 ${cx + r} ${cy}" ${stroke(6)}/>`;
    }
    case "bargauge":
      return [0.2, 0.5, 0.8]
        .map((fy, index) => {
          const length = round(w * [0.9, 0.6, 0.35][index]!);
          return `<rect x="${round(x)}" y="${round(y + fy * h - 4)}" width="${length}" height="8" fill="${colours.sketch}" opacity="0.5"/>`;
        })
        .join("");
    case "state-timeline":
      return `<rect x="${round(x)}" y="${round(y + h * 0.3)}" width="${round(w)}" height="${round(h * 0.4)}" fill="${colours.sketch}" opacity="0.5"/>`;
    case "stat":
      return `<text x="${round(x + w / 2)}" y="${round(y + h / 2 + 8)}" fill="${colours.sketch}" font-size="24" text-anchor="middle" opacity="0.7">123</text>`;
    default:
      return "";
  }
}

const round = (n: number) => Math.round(n);

/** The title, cut with "…" where it would run past its box. */
function cut(text: string, width: number): string {
  const fits = Math.max(1, Math.floor(width / charWidth));
  const characters = [...text];
  return characters.length <= fits ? text : `${characters.slice(0, fits - 1).join("")}…`;
}

function escaped(text: string): string {
  // XML allows no control characters but tab and newlines, not even escaped
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}
