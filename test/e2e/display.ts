// What a person sees, as Grafana's own display code (@grafana/data) draws the engines' answers: each
// value with its unit, in the colour its thresholds or overrides give, and gauges and bars filled on
// their own field's range, never flattened by another field's.
import { alarmingDeliveryReasons, schedulers, thresholds } from "../../config";
import { type PanelDisplay, type ShownValue, displayDashboard } from "../../harness/display";
import type { EngineName } from "../../harness/engines";
import type { DashboardLoad, PanelResult } from "../../harness/evaluate";
import { titles } from "../../panels/titles";
import type { E2eContext } from "./context";

const displays = new WeakMap<DashboardLoad, PanelDisplay[]>();
const displayOf = (load: DashboardLoad): PanelDisplay[] => {
  const found = displays.get(load) ?? displayDashboard(load);
  displays.set(load, found);
  return found;
};
const panelOf = (load: DashboardLoad, title: string): PanelDisplay => {
  const panel = displayOf(load).find((p) => p.title === title);
  if (!panel) throw new Error(`no panel titled "${title}" is displayed`);
  return panel;
};

// What each unit's numbers end with, written from what Grafana's unit picker promises a reader.
const suffixes: Record<string, RegExp> = {
  bytes: /^ (B|KiB|MiB|GiB|TiB)$/,
  binBps: /^ (B|KiB|MiB|GiB)\/s$/,
  percentunit: /^%$/,
  cpm: /^ c\/m$/,
  reqpm: /^ req\/m$/,
  ms: /^ (ns|µs|ms|s|mins?|hours?|days?)$/,
  s: /^ (ns|µs|ms|s|mins?|hours?|days?)$/,
  short: /^( K| Mil| Bil)?$/,
  // A multiple (the burn rate): a bare number.
  none: /^$/,
};

type FieldConfigJson = PanelResult["fieldConfig"];
/** The unit the dashboard states for a query's values: an override by its refId, else the panel's. */
const statedUnit = (fieldConfig: FieldConfigJson, refId: string) =>
  ((fieldConfig.overrides ?? [])
    .filter((o) => o.matcher.id === "byFrameRefID" && o.matcher.options === refId)
    .flatMap((o) => o.properties ?? [])
    .find((p) => p.id === "unit")?.value ?? fieldConfig.defaults?.unit) as string | undefined;

/** The colour of the highest threshold a value reaches; `steps` are [from, colour] above the base colour. */
const thresholdColour = (value: number, base: string, steps: readonly (readonly [number, string])[]) =>
  steps.filter(([from]) => value >= from).pop()?.[1] ?? base;

const runQueue = {
  orange: thresholds.runQueuePerScheduler.orange * schedulers,
  red: thresholds.runQueuePerScheduler.red * schedulers,
};

/** A value on a gauge's arc or a bar gauge: what a person reads off it. */
const described = (v: ShownValue) =>
  `${v.name} ${v.text} at ${((v.percent ?? 0) * 100).toPrecision(2)} % of ${v.range?.min}..${v.range?.max}`;

// About one pixel of a small gauge's arc or bar: less is drawn empty.
const visibleFraction = 0.005;

export function describeDisplay(engines: readonly EngineName[], context: E2eContext): void {
  describe.each(engines)("what a person sees, on %s", (engine) => {
    const eachShown = () => context.shown(engine).map(({ instance, load }) => ({ instance, load }));

    it("every value carries the unit its query's values are in", () => {
      for (const { load } of eachShown()) {
        const wrong = load.panels
          .filter((panel) => panel.type !== "state-timeline") // its states are words (value mappings)
          .flatMap((panel) => {
            const display = panelOf(load, panel.title);
            return display.values.flatMap((value) => {
              const unit = statedUnit(panel.fieldConfig, value.refId);
              const suffix = unit === undefined ? undefined : suffixes[unit];
              const shownUnit = display.units.get(value.name);
              return shownUnit === unit && suffix?.test(value.suffix)
                ? []
                : [`${panel.title} / ${value.name}: "${value.text}" in ${shownUnit}, stated ${unit}`];
            });
          });
        expect([...new Set(wrong)].slice(0, 10)).toEqual([]);
      }
    });

    // Everything the dashboard measures is a count, a rate, a duration or a size: a negative value or an
    // exponent is floating-point noise drawn as if it meant something (e.g. "-3.47e-9 ns").
    it("no value is shown below zero or as rounding noise", () => {
      for (const { load } of eachShown()) {
        const noise = load.panels.flatMap((panel) =>
          panelOf(load, panel.title)
            .values.filter((value) => value.numeric < 0 || /e-\d/.test(value.text))
            .map((value) => `${panel.title} / ${value.name}: "${value.text}"`),
        );
        expect([...new Set(noise)].slice(0, 10)).toEqual([]);
      }
    });

    it('the Up timeline shows "up" in green, "down" in red, anything between in orange', () => {
      for (const { load } of eachShown()) {
        const values = panelOf(load, titles.up).values;
        expect(values.length).toBeGreaterThan(0);
        const expected = (v: ShownValue) =>
          v.numeric === 1 ? "up in green" : v.numeric === 0 ? "down in red" : "partly down in orange";
        const wrong = values.filter((v) => `${v.text} in ${v.colour}` !== expected(v));
        expect(
          wrong.map((v) => `${new Date(v.timeMs ?? 0).toISOString()} ${v.numeric}: ${v.text} in ${v.colour}`),
        ).toEqual([]);
      }
    });

    it("gauges and bars take the colour of the thresholds config.ts sets for their series", () => {
      for (const { load } of eachShown()) {
        const uptime = panelOf(load, "Uptime (7 days)").values;
        const beam = panelOf(load, titles.beamLoad).values;
        const memory = beam.filter((v) => v.refId === "memory");
        expect([uptime.length, memory.length, beam.length]).toEqual([1, 1, 3]);
        const expectations = [
          ...uptime.map((v) => ({
            v,
            colour: thresholdColour(v.numeric, "red", [
              [thresholds.uptime.orange, "orange"],
              [thresholds.uptime.green, "green"],
            ]),
          })),
          ...memory.map((v) => ({
            v,
            colour: thresholdColour(v.numeric, "green", [
              [thresholds.beamMemory.orange, "orange"],
              [thresholds.beamMemory.red, "red"],
            ]),
          })),
          ...beam
            .filter((v) => v.refId !== "memory")
            .map((v) => ({
              v,
              colour: thresholdColour(v.numeric, "green", [
                [runQueue.orange, "orange"],
                [runQueue.red, "red"],
              ]),
            })),
        ];
        // The synthetic BEAM settles well under the orange threshold: green is what a person sees.
        expect(memory.map((v) => v.colour)).toEqual(["green"]);
        const wrong = expectations.filter(({ v, colour }) => v.colour !== colour);
        expect(wrong.map(({ v, colour }) => `${v.name} ${v.text}: ${v.colour}, expected ${colour}`)).toEqual([]);
      }
    });

    it("failed deliveries: signature refusals in purple, other bars in their threshold colour", () => {
      for (const { load } of eachShown()) {
        const bars = panelOf(load, titles.failedDeliveries).values;
        const alarming = (v: ShownValue) => alarmingDeliveryReasons.some((reason) => v.name.endsWith(`: ${reason}`));
        expect(bars.filter(alarming).length).toBeGreaterThan(0);
        const expected = (v: ShownValue) =>
          alarming(v)
            ? "purple"
            : thresholdColour(v.numeric, "light-yellow", [
                [thresholds.deliveryFailures.orange, "orange"],
                [thresholds.deliveryFailures.red, "red"],
              ]);
        const wrong = bars.filter((v) => v.colour !== expected(v));
        expect(wrong.map((v) => `${v.name} ${v.text}: ${v.colour}, expected ${expected(v)}`)).toEqual([]);
      }
    });

    // Grafana measures a gauge or bar against all fields' values unless the panel sets a range:
    // memory in bytes would leave a run queue's arc at a billionth, and its markers at 0.
    it("every value above zero fills its gauge arc or bar visibly, on a range starting at 0", () => {
      for (const { load } of eachShown()) {
        const gauges = displayOf(load).filter((p) => p.type === "gauge" || p.type === "bargauge");
        expect(gauges.map((p) => p.title).sort()).toEqual(
          [titles.beamLoad, titles.failedDeliveries, titles.deliveryBudget, "Uptime (7 days)"].sort(),
        );
        const values = gauges.flatMap((p) => p.values.map((v) => ({ panel: p.title, v })));
        const empty = values.filter(({ v }) => v.numeric > 0 && !((v.percent ?? 0) >= visibleFraction));
        expect(empty.map(({ panel, v }) => `${panel} / ${described(v)}`)).toEqual([]);
        const offZero = values.filter(({ v }) => v.range?.min !== 0);
        expect(offZero.map(({ panel, v }) => `${panel} / ${described(v)}`)).toEqual([]);
      }
    });

    it("every gauge's threshold markers sit inside its own arc, apart from its start", () => {
      for (const { load } of eachShown()) {
        const markers = displayOf(load)
          .filter((p) => p.type === "gauge")
          .flatMap((p) => p.values.map((v) => ({ panel: p.title, v })))
          .filter(({ v }) => (v.thresholdMarkers ?? []).length > 0);
        expect(markers.length).toBeGreaterThanOrEqual(4);
        const misplaced = markers.filter(({ v }) =>
          (v.thresholdMarkers ?? []).some((at) => !(at >= visibleFraction && at <= 1)),
        );
        expect(
          misplaced.map(({ panel, v }) => `${panel} / ${v.name}: markers at ${v.thresholdMarkers?.join(", ")}`),
        ).toEqual([]);
      }
    });
  });
}
