// Enum, List and Keyword functions, as far as a metric list is built with them.
import { type Value, concatLists, list, show, unknown } from "./values";

/** The few list helpers a metric list might be built with; `apply` calls a fn value. */
export function standardLibrary(
  name: string,
  args: () => Value[],
  line: number,
  apply: (fn: Value, args: Value[]) => Value,
): Value | undefined {
  switch (name) {
    case "Enum.map":
    case "Enum.flat_map": {
      const [items, fn] = args();
      if (items.t !== "list") return items.t === "unknown" ? items : unknown(`${name} over ${show(items)}`, line);
      const mapped = items.items.map((item) => apply(fn, [item]));
      return name === "Enum.map" ? list(mapped) : mapped.reduce((acc, v) => concatLists(acc, v, line), list([]));
    }
    case "Enum.concat": {
      const values = args();
      const parts = values.length === 1 && values[0].t === "list" ? values[0].items : values;
      return parts.reduce((acc, v) => concatLists(acc, v, line), list([]));
    }
    case "List.flatten": {
      const flatten = (v: Value): Value[] => (v.t === "list" ? v.items.flatMap(flatten) : [v]);
      return list(flatten(args()[0]));
    }
    case "Keyword.merge":
    case "Keyword.put": {
      const values = args();
      const additions =
        name === "Keyword.put"
          ? [{ t: "tuple", items: [values[1], values[2]] } as Value]
          : values[1].t === "list"
            ? values[1].items
            : undefined;
      const base = values[0];
      if (base.t !== "list" || !additions)
        return unknown(`${name} on ${show(base.t !== "list" ? base : values[1])}`, line);
      const keys = new Set(additions.map((a) => (a.t === "tuple" && a.items[0].t === "atom" ? a.items[0].v : "")));
      const kept = base.items.filter((i) => !(i.t === "tuple" && i.items[0].t === "atom" && keys.has(i.items[0].v)));
      return list([...kept, ...additions]);
    }
    default:
      return undefined;
  }
}
