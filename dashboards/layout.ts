import type { GridPos } from "@grafana/grafana-foundation-sdk/dashboard";

export const gridWidth = 24;

export interface Size {
  readonly w: number;
  readonly h: number;
}

/**
 * Places a section's panels in order, each as high up as it fits, then as far left (a skyline),
 * the way Grafana's own gravity settles them. Small panels stack beside a tall one, and adding a
 * panel never means renumbering the others.
 */
export function placeSection(sizes: readonly Size[], top: number): { positions: GridPos[]; bottom: number } {
  const skyline = new Array<number>(gridWidth).fill(top);
  // The SDK's span() and height() already refuse sizes that do not fit the grid.
  const positions = sizes.map(({ w, h }) => {
    let best = { x: 0, y: Number.POSITIVE_INFINITY };
    for (let x = 0; x + w <= gridWidth; x++) {
      const y = Math.max(...skyline.slice(x, x + w));
      if (y < best.y) best = { x, y };
    }
    skyline.fill(best.y + h, best.x, best.x + w);
    return { x: best.x, y: best.y, w, h };
  });
  return { positions, bottom: Math.max(top, ...skyline) };
}
