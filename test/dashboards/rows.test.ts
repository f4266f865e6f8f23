// Looking through rows: the panels of a dashboard wherever a row keeps them, and where each stands.
import { mapPanels, panelsIn, panelsOfDashboard, panelsShownIn, placedEntries, rowsOf } from "../../dashboards/rows";

const list = [
  { type: "row", title: "Open", panels: [] },
  { type: "stat", title: "Users" },
  { type: "row", title: "Closed", collapsed: true, panels: [{ type: "gauge", title: "Load" }] },
];

describe("rows", () => {
  it("give every panel, a collapsed row's in its place, and leave rows out", () => {
    expect(panelsIn(list).map((p) => p.title)).toEqual(["Users", "Load"]);
  });

  it("group the panels under their row: an open row's after it, a collapsed row's inside it, none above the first", () => {
    const grouped = (entries: readonly unknown[]) =>
      rowsOf(entries as typeof list).map(({ row, panels }) => [row?.title, panels.map((p) => p.title)]);
    expect(grouped(list)).toEqual([
      ["Open", ["Users"]],
      ["Closed", ["Load"]],
    ]);
    expect(grouped([{ type: "text", title: "Note" }, ...list, null])).toEqual([
      [undefined, ["Note"]],
      ["Open", ["Users"]],
      ["Closed", ["Load"]],
    ]);
    // a row inside a row is no panel of it
    expect(grouped([{ type: "row", title: "Outer", panels: [{ type: "row", title: "Inner" }, null] }])).toEqual([
      ["Outer", []],
    ]);
  });

  it("say which panels a collapsed row folds inside itself, and that an open row folds none", () => {
    const folded = [...list, { type: "text", title: "After" }];
    expect(rowsOf(folded).map(({ row, folded: held }) => [row?.title, held.map((p) => p.title)])).toEqual([
      ["Open", []],
      ["Closed", ["Load"]],
    ]);
    expect(rowsOf(folded)[1]?.panels.map((p) => p.title)).toEqual(["Load", "After"]);
  });

  it("give the panels of a file's old `rows` layout with those of its panel list", () => {
    const old = { rows: [{ panels: [{ type: "stat", title: "Old" }, 3] }, null, { panels: "none" }] };
    expect(panelsOfDashboard(old).map((p) => p.title)).toEqual(["Old"]);
    expect(panelsOfDashboard({ panels: list, ...old }).map((p) => p.title)).toEqual(["Users", "Load", "Old"]);
    expect(panelsOfDashboard({})).toEqual([]);
  });

  it("change every entry in its place, rows and the panels inside them, leaving what is no object", () => {
    const odd = [...list, null] as (typeof list)[number][];
    const renamed = mapPanels(odd, (entry) => ({ ...entry, title: `${entry.title ?? ""}!` }));
    expect(renamed).toEqual([
      { type: "row", title: "Open!", panels: [] },
      { type: "stat", title: "Users!" },
      { type: "row", title: "Closed!", collapsed: true, panels: [{ type: "gauge", title: "Load!" }] },
      null,
    ]);
    expect(list[2]?.panels?.[0]?.title).toBe("Load");
    let nested: { type: string; panels: unknown[] } = { type: "row", panels: [{ type: "stat" }] };
    for (let depth = 1; depth < 20_000; depth++) nested = { type: "row", panels: [nested] };
    expect(panelsIn(mapPanels([nested], (entry) => ({ ...entry, seen: true })))).toEqual([
      { type: "stat", seen: true },
    ]);
  });

  it("leave a collapsed row's panels out of what opening the dashboard queries", () => {
    expect(panelsShownIn(list).map((p) => p.title)).toEqual(["Users"]);
  });

  it("place every entry, rows too, at its JSON pointer, whatever a file holds there", () => {
    const odd = [...list, null, { type: "row", panels: "none" }];
    expect(placedEntries(odd).map(({ path, inRow }) => [path, inRow])).toEqual([
      ["/panels/0", false],
      ["/panels/1", false],
      ["/panels/2", false],
      ["/panels/2/panels/0", true],
      ["/panels/3", false],
      ["/panels/4", false],
    ]);
  });

  it("place the entries of rows nested far deeper than a call stack goes", () => {
    let nested: { type: string; panels: unknown[] } = { type: "row", panels: [{ type: "stat" }] };
    for (let depth = 1; depth < 20_000; depth++) nested = { type: "row", panels: [nested] };
    const placed = placedEntries([nested]);
    expect(placed).toHaveLength(20_001);
    expect(placed[20_000]?.entry).toEqual({ type: "stat" });
  });
});
