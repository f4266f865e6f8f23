// Every panel shows data on real Prometheus and real VictoriaMetrics, and the numbers that
// can be known from the synthetic history are right. So does the provisioning file, which
// Grafana loads without its import screen, and its instance variable switches every panel.

import {
  alarmingDeliveryReasons,
  deadInstanceReasons,
  deadReasonsToggle,
  defaultScrapeJob,
  federationSlo,
  importInputs,
  importPlaceholder,
  schedulers,
  thresholds,
  topN,
  variables,
} from "../../config";
import { importFileText, plainDashboard } from "../../build/outputs";
import { type EngineName, type Engines, startEngines } from "../../harness/engines";
import {
  type DashboardLoad,
  finitePoints,
  type Frame,
  loadDashboard,
  type LoadOptions,
  type PanelResult,
  panelTitled,
  shownFrames,
  shownValue,
} from "../../harness/evaluate";
import { alignToStep, queryStepMs } from "../../harness/grafana";
import type { ImportFlow } from "../../harness/import";
import { selectorsIn } from "../../harness/selectors";
import {
  type Expectations,
  generateHistory,
  type InstanceHistory,
  type SyntheticHistory,
} from "../../harness/synthetic";
import { chooseVariable, type DashboardJson, type E2eContext, keepPanels, rangeWindowMs } from "./context";
import { describeValues } from "./values";
import { noHost } from "../../panels/status";
import { titles } from "../../panels/titles";
import { displayDashboard, displayable, type PanelDisplay, type ShownValue } from "../../harness/display";
import { panelType } from "../../panels/types";
import { restartAnnotationName } from "../../dashboards/annotations";

// Failed AP deliveries: every final failure counts, on both engines, whatever the series' life.

const failedDeliveriesTitle = titles.failedDeliveries;

/** The bars of a bar gauge, in the order the query returned them. */
function bars(panel: PanelResult) {
  return shownFrames(panel).map((frame) => {
    const { target, reason } = frame.labels;
    if (target === undefined || reason === undefined) {
      throw new Error(`a bar shows no target and reason: ${JSON.stringify(frame.labels)}`);
    }
    return { key: `${target}: ${reason}`, value: shownValue(panel, frame) };
  });
}

/** The bars a correct panel draws for its range: the history's failures, largest first, top N. */
function expectedBars(context: E2eContext, panel: PanelResult, keep = (_reason: string) => true) {
  return context
    .history()
    .expected.deliveryFailures(panel.range.fromMs, panel.range.toMs)
    .filter(({ reason }) => keep(reason))
    .map(({ target, reason, events }) => ({ key: `${target || noHost}: ${reason}`, value: events }))
    .sort((a, b) => b.value - a.value || (a.key < b.key ? -1 : 1))
    .slice(0, topN.failedDeliveries);
}

/** Equal values may come in either order; the values themselves must be in descending order. */
const byValueThenKey = (shown: { key: string; value: number | undefined }[]) =>
  [...shown].sort((a, b) => (b.value ?? 0) - (a.value ?? 0) || (a.key < b.key ? -1 : 1));

function describeDeliveries(engines: readonly EngineName[], context: E2eContext): void {
  describe.each(engines)("Failed AP Deliveries on %s", (engine) => {
    const variant = (
      timeFrom: string,
      edit: (d: Parameters<Parameters<E2eContext["loadVariant"]>[1]>[0]) => void = () => {},
    ) =>
      context.loadVariant(engine, (dashboard) => {
        const [panel] = keepPanels(dashboard, failedDeliveriesTitle);
        if (panel) panel.timeFrom = timeFrom;
        edit(dashboard);
      });
    const check = (load: DashboardLoad, keep?: (reason: string) => boolean) => {
      const panel = panelTitled(load, failedDeliveriesTitle);
      const shown = bars(panel);
      expect(shown.map((s) => s.value)).toEqual([...shown.map((s) => s.value)].sort((a, b) => (b ?? 0) - (a ?? 0)));
      expect(byValueThenKey(shown)).toEqual(expectedBars(context, panel, keep));
    };

    // Over the 7 days every series was born inside the window (a), and all but the last were reset
    // by the restart and created again at their next failure (b); one has an empty host.
    it("counts every failure of series born and reset inside the window, largest first", () => {
      check(context.load(engine));
      expect(bars(panelTitled(context.load(engine), failedDeliveriesTitle)).map((b) => b.key)).toContain(
        `${noHost}: cause_unknown`,
      );
    });

    // 24 h ago most series already existed (c), and the restart 20 h ago reset them (b).
    it.each(["24h", "10h"])("counts exactly over %s, for series that existed before the window", async (window) => {
      check(await variant(window));
    });

    it("hides the dead-instance reasons when the toggle says so, and keeps 401s", async () => {
      const load = await variant("7d", (d) =>
        chooseVariable(d, deadReasonsToggle.name, deadReasonsToggle.hideDead.regex),
      );
      const dead = new Set<string>(deadInstanceReasons);
      check(load, (reason) => !dead.has(reason));
      expect(bars(panelTitled(load, failedDeliveriesTitle)).map((b) => b.key)).toContain("strict.example: http_401");
    });
  });
}

// What a person sees, as Grafana's own display code (@grafana/data) draws the engines' answers: each
// value with its unit, in the colour its thresholds or overrides give, and gauges and bars filled on
// their own field's range, never flattened by another field's.

const displays = new WeakMap<DashboardLoad, PanelDisplay[]>();
const displayOf = (load: DashboardLoad): PanelDisplay[] => {
  const found = displays.get(load) ?? displayDashboard(load);
  displays.set(load, found);
  return found;
};
/**
 * The panels whose values the checks of every panel read: those showing queries. A panel of words (text)
 * has none, which the table of panel types says of its type.
 */
const showingQueries = (load: DashboardLoad): PanelResult[] =>
  load.panels.filter((panel) => panelType(panel.type)?.queries !== false);
/** The panels the checks of what a person sees read: those the harness can display (`displayable`). */
const displayedPanels = (load: DashboardLoad): PanelResult[] => load.panels.filter(displayable);
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
  // The days of data the engine holds, beside the budget: always days, never "2 weeks".
  "suffix:days": /^ days$/,
};

type FieldConfigJson = PanelResult["fieldConfig"];
/** The unit the dashboard states for a query's values: an override by its refId, else the panel's. */
const statedUnit = (fieldConfig: FieldConfigJson, refId: string) =>
  ((fieldConfig.overrides ?? [])
    .filter((o) => o.matcher.id === "byFrameRefID" && o.matcher.options === refId)
    .flatMap((o) => o.properties ?? [])
    .find((p) => p.id === "unit")?.value ?? fieldConfig.defaults?.unit) as string | undefined;

/** Texts the panel's value mappings put in place of a number (its unit with it, as "99.99%"). */
const mappedTexts = (fieldConfig: FieldConfigJson) =>
  new Set(
    ((fieldConfig.defaults?.mappings ?? []) as { options?: { result?: { text?: string } } }[]).flatMap(
      (mapping) => mapping.options?.result?.text ?? [],
    ),
  );

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

function describeDisplay(engines: readonly EngineName[], context: E2eContext): void {
  describe.each(engines)("what a person sees, on %s", (engine) => {
    const eachShown = () => context.shown(engine).map(({ instance, load }) => ({ instance, load }));

    it("every value carries the unit its query's values are in", () => {
      for (const { load } of eachShown()) {
        const wrong = displayedPanels(load)
          .filter((panel) => panel.type !== "state-timeline") // its states are words (value mappings)
          .flatMap((panel) => {
            const display = panelOf(load, panel.title);
            return display.values.flatMap((value) => {
              if (mappedTexts(panel.fieldConfig).has(value.text)) return [];
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
        const noise = displayedPanels(load).flatMap((panel) =>
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

    it("every gauge draws its threshold ring on every way Grafana loads the file", () => {
      for (const { load } of eachShown()) {
        const gauges = displayOf(load).filter((p) => p.type === "gauge");
        expect(gauges.length).toBeGreaterThanOrEqual(3);
        const without = gauges.flatMap((p) =>
          Object.entries(p.looks ?? {}).flatMap(([path, look]) =>
            look.thresholdRing ? [] : [`${p.title} on ${path}`],
          ),
        );
        expect(without).toEqual([]);
      }
    });

    it("the burn rate draws its ticket's line", () => {
      for (const { load } of eachShown()) {
        const lines = panelOf(load, titles.deliveryBurnRate).thresholdLines ?? [];
        expect(lines.map((line) => [line.value, line.drawn])).toEqual([[federationSlo.budgetBurn.burnRate, true]]);
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

// Pending and Scheduled Jobs draw only the queues that held jobs somewhere in the shown range.

const queuePanels = [
  [titles.pendingJobs, "pendingJobs"],
  ["Scheduled Jobs", "scheduledJobs"],
] as const;
type QueueGauge = (typeof queuePanels)[number][1];

/** The queues a correct panel draws: those above 0 at one of the points it draws (its steps). */
function queuesWithJobs(expected: Expectations, gauge: QueueGauge, panel: PanelResult, queues: readonly string[]) {
  const stepMs = panel.time.intervalSeconds * 1000;
  const steps: number[] = [];
  for (let t = alignToStep(panel.range.fromMs, stepMs); t <= alignToStep(panel.range.toMs, stepMs); t += stepMs) {
    steps.push(t);
  }
  return queues.filter((queue) => steps.some((t) => (expected[gauge](queue, t) ?? 0) > 0)).sort();
}

const drawnQueues = (panel: PanelResult) =>
  shownFrames(panel)
    .map((frame) => frame.labels.queue_name as string)
    .sort();

function describeQueues(engines: readonly EngineName[], context: E2eContext): void {
  describe.each(engines)("queue panels on %s", (engine) => {
    const expectedQueues = (panel: PanelResult, gauge: QueueGauge) =>
      queuesWithJobs(context.history().expected, gauge, panel, context.history().queues);

    // "mailer" held jobs only 36 to 38 hours ago; "activity_expiration" never has pending jobs, and
    // "remote_fetcher" never scheduled ones.
    it.each(queuePanels)("%s hides the queues empty throughout the 3 hours and draws the others", (title, gauge) => {
      const panel = panelTitled(context.load(engine), title);
      const drawn = drawnQueues(panel);
      expect(drawn).toEqual(expectedQueues(panel, gauge));
      expect(drawn).not.toContain("mailer");
      expect(drawn).not.toContain(gauge === "pendingJobs" ? "activity_expiration" : "remote_fetcher");
      expect(drawn.length).toBeGreaterThan(2);
    });

    it.each(queuePanels)("%s draws a queue again once the range reaches back to its jobs", async (title, gauge) => {
      const load = await context.loadVariant(engine, (dashboard) => {
        for (const panel of keepPanels(dashboard, title)) panel.timeFrom = "48h";
      });
      const panel = panelTitled(load, title);
      const drawn = drawnQueues(panel);
      expect(drawn).toEqual(expectedQueues(panel, gauge));
      expect(drawn).toContain("mailer");
      expect(drawn).not.toContain(gauge === "pendingJobs" ? "activity_expiration" : "remote_fetcher");
    });
  });
}

// Restart marks: one per Akkoma restart (its counters start again from 0), at the restart, at any zoom.

function restartMarks(load: DashboardLoad) {
  const result = load.annotations.find((a) => a.name === restartAnnotationName);
  if (!result) throw new Error(`the dashboard ran no annotation named "${restartAnnotationName}"`);
  if (result.query.status !== "success") throw new Error(`the restart query was refused: ${result.query.error}`);
  return result;
}

function describeRestarts(engines: readonly EngineName[], context: E2eContext): void {
  describe.each(engines)("restart marks on %s", (engine) => {
    const instance = (which: 0 | 1) => {
      const found = context.history().instances[which];
      if (!found) throw new Error(`the synthetic history has no instance #${which + 1}`);
      return found;
    };
    // Only the annotation runs: no panels, the dashboard's range widened to `from`.
    const marksOver = async (from: string, which: 0 | 1) => {
      const load = await context.loadVariant(engine, (dashboard) => {
        keepPanels(dashboard);
        dashboard.time = { from, to: "now" };
        chooseVariable(dashboard, variables.instance, instance(which).instance);
      });
      return restartMarks(load);
    };
    /** One mark, at the first step at or after the restart (its first scrape), not a region. */
    const expectOneMarkAtRestart = (marks: ReturnType<typeof restartMarks>, which: 0 | 1) => {
      const restartMs = instance(which).outage.endMs;
      expect(marks.events).toHaveLength(1);
      const [mark] = marks.events;
      expect(mark?.title).toBe("Akkoma restarted");
      expect(mark?.tags).toEqual([instance(which).instance]);
      expect(mark?.timeEndMs).toBe(mark?.timeMs);
      const late = (mark?.timeMs ?? Number.NaN) - restartMs;
      expect({ late, withinOneStep: late >= 0 && late < marks.stepMs }).toEqual({ late, withinOneStep: true });
    };

    it("marks nothing in the first instance's last 3 hours, which had no restart", () => {
      expect(restartMarks(context.load(engine)).events).toEqual([]);
    });

    // 24 h: a step of 2 minutes; 7 days: of 10 minutes, and the history's first samples are no restart.
    it.each(["now-24h", "now-7d"])(
      "marks the first instance's restart after its 30-minute outage once (%s)",
      async (from) => {
        expectOneMarkAtRestart(await marksOver(from, 0), 0);
      },
    );

    it.each(["now-3h", "now-7d"])(
      "marks the second instance's restart after its 90-minute outage once (%s)",
      async (from) => {
        expectOneMarkAtRestart(await marksOver(from, 1), 1);
      },
    );
  });
}

// The Up state timeline: a value at every step (no gaps), down through an outage, up everywhere else,
// at the dashboard's 3 hours (the second instance's outage) and over 7 days (the first one's).

const minuteMs = 60_000;

/** The timeline's points, with what the scrapes of each point's window saw. */
function timeline(load: DashboardLoad, instance: InstanceHistory, historyStartMs: number) {
  const panel = panelTitled(load, titles.up);
  const [frame, ...more] = shownFrames(panel);
  if (!frame || more.length > 0) throw new Error(`the Up timeline draws ${more.length + 1} series, expected 1`);
  const [target] = panel.targets;
  const windowMs = rangeWindowMs(target?.query ?? "");
  const stepMs = panel.time.intervalSeconds * 1000;
  // Before the history's first scrape there is nothing to show.
  const firstMs = alignToStep(Math.max(panel.range.fromMs, historyStartMs), stepMs) + stepMs;
  const lastMs = alignToStep(panel.range.toMs, stepMs);
  const shown = new Map(finitePoints(frame).map(([atMs, value]) => [atMs, value]));
  const steps = Array.from({ length: (lastMs - firstMs) / stepMs + 1 }, (_, k) => firstMs + k * stepMs);
  const outageShown = instance.outage.startMs > panel.range.fromMs;
  return {
    outageShown,
    // A point's window straddles an edge of the outage at this many steps on either side of it.
    edgeSteps: Math.ceil(windowMs / stepMs),
    points: steps.map((atMs) => {
      // Scrapes in [t - window, t]: Prometheus 2.x reads both ends, VictoriaMetrics the right one only.
      const scrapes = Array.from({ length: windowMs / minuteMs + 1 }, (_, k) => atMs - windowMs + k * minuteMs).filter(
        (t) => t >= historyStartMs,
      );
      const up = scrapes.map((t) => instance.expected.upAt(t));
      return { atMs, value: shown.get(atMs), allUp: up.every(Boolean), allDown: !up.some(Boolean) };
    }),
  };
}

function expectTruthful(load: DashboardLoad, instance: InstanceHistory, historyStartMs: number) {
  const { outageShown, edgeSteps, points } = timeline(load, instance, historyStartMs);
  const at = (atMs: number) => new Date(atMs).toISOString();
  expect(points.filter((p) => p.value === undefined).map((p) => at(p.atMs))).toEqual([]);
  const wrong = points
    .filter((p) => (p.allUp && p.value !== 1) || (p.allDown && p.value !== 0))
    .map((p) => `${at(p.atMs)}: ${p.value}, expected ${p.allUp ? 1 : 0}`);
  expect(wrong).toEqual([]);
  // The outage is there, drawn "down", and only the points at its edges are partly down.
  expect(points.filter((p) => p.allDown).length > 0).toBe(outageShown);
  expect(points.filter((p) => !p.allUp && !p.allDown).length).toBeLessThanOrEqual(2 * edgeSteps);
}

function describeUpTimeline(engines: readonly EngineName[], context: E2eContext): void {
  it("the Up timeline maps 0 to a red down and 1 to a green up", () => {
    const panel = keepPanels(JSON.parse(context.dashboard()), titles.up)[0] as unknown as {
      fieldConfig: { defaults: { mappings: { options: Record<string, { text: string; color: string }> }[] } };
    };
    const [values] = panel.fieldConfig.defaults.mappings;
    expect({ down: values?.options["0"], up: values?.options["1"] }).toMatchObject({
      down: { text: "down", color: "red" },
      up: { text: "up", color: "green" },
    });
  });

  describe.each(engines)("the Up timeline on %s", (engine) => {
    it("has a value at every step of the 3 hours, down through the outage and up elsewhere", () => {
      for (const { instance, load } of context.shown(engine)) {
        expectTruthful(load, instance, context.history().startMs);
      }
    });

    it("has a value at every step of 7 days, down through the first instance's outage", async () => {
      const load = await context.loadVariant(engine, (dashboard) => {
        keepPanels(dashboard, titles.up);
        dashboard.time = { from: "now-7d", to: dashboard.time?.to ?? "now" };
      });
      expectTruthful(load, context.history().instances[0] as InstanceHistory, context.history().startMs);
    });
  });
}

const scraped = { job: defaultScrapeJob, instance: "akkoma.test:443" };
// The import form's one answer: the pretend Grafana's Prometheus data source (the engine).
const importedThrough = (through: ImportFlow) =>
  ({ through, answers: { [importInputs.datasource]: "prometheus" } }) as const;
// Sorts after the first, so Grafana's first discovered instance is the first one.
const secondInstance = "social.example:443";
const renderedDatasource = "akkoma-victoriametrics";
const engineNames: readonly EngineName[] = ["Prometheus", "VictoriaMetrics"];

/** One way an admin loads the dashboard, and the instance its panels must then show. */
interface Scenario {
  file: "import" | "provisioning" | "rendered";
  options: Omit<LoadOptions, "nowMs">;
  shows: "first" | "second";
}
const scenarios = {
  "imported on the Import page": {
    file: "import",
    options: { imported: importedThrough("import page") },
    shows: "first",
  },
  "imported through the import API": {
    file: "import",
    options: { imported: importedThrough("import API") },
    shows: "first",
  },
  provisioned: { file: "provisioning", options: {}, shows: "first" },
  "provisioned, second instance selected": {
    file: "provisioning",
    options: { select: { [variables.instance]: secondInstance } },
    shows: "second",
  },
  "rendered for the second instance": {
    file: "rendered",
    options: { datasourceUid: renderedDatasource },
    shows: "second",
  },
} satisfies Record<string, Scenario>;
type ScenarioName = keyof typeof scenarios;
const scenarioNames = Object.keys(scenarios) as ScenarioName[];

let history: SyntheticHistory;
let engines: Engines | undefined;
let importText = "";
const loads = new Map<string, DashboardLoad>();
// Grafana's "now" falls between two scrapes, half a minute after the last one.
const nowOf = (h: SyntheticHistory) => h.endMs + 30_000;

beforeAll(async () => {
  history = generateHistory({ seed: 4, job: scraped.job, instance: scraped.instance, secondInstance });
  // allSettled: engines that started must reach afterAll even when the dashboard does not build.
  const [files, started] = await Promise.allSettled([
    Promise.all([
      importFileText(),
      plainDashboard(),
      plainDashboard({ datasourceUid: renderedDatasource, instance: secondInstance, uid: "akkoma-social" }),
    ]),
    startEngines(history),
  ]);
  if (started.status === "rejected") throw started.reason;
  engines = started.value;
  if (files.status === "rejected") throw files.reason;
  const [importFile, provisioningFile, renderedFile] = files.value;
  importText = importFile;
  const json = { import: importFile, provisioning: provisioningFile, rendered: renderedFile };
  const nowMs = nowOf(history);
  for (const engine of engines.all) {
    for (const name of scenarioNames) {
      const { file, options } = scenarios[name] as Scenario;
      loads.set(`${name} on ${engine.name}`, await loadDashboard(json[file], engine, { ...options, nowMs }));
    }
  }
}, 180_000);

afterAll(async () => {
  await engines?.stop();
}, 30_000);

const loadOf = (scenario: ScenarioName, engine: EngineName): DashboardLoad => {
  const load = loads.get(`${scenario} on ${engine}`);
  if (!load) throw new Error(`the dashboard was not loaded ${scenario} on ${engine}; see the beforeAll failure`);
  return load;
};
const instanceShown = (scenario: ScenarioName): InstanceHistory =>
  history.instances[scenarios[scenario].shows === "first" ? 0 : 1] as InstanceHistory;

describe.each(engineNames.flatMap((engine) => scenarioNames.map((scenario) => [scenario, engine] as const)))(
  "%s, on %s",
  (scenario, engine) => {
    it("no query is refused", () => {
      const refused = loadOf(scenario, engine).panels.flatMap((panel) =>
        panel.targets
          .filter((t) => t.status !== "success")
          .map((t) => `${panel.title} / ${t.refId}: HTTP ${t.httpStatus ?? "-"} ${t.error} -- ${t.query}`),
      );
      expect(refused).toEqual([]);
    });

    it("every panel shows at least one finite value", () => {
      const blank = showingQueries(loadOf(scenario, engine))
        .filter((panel) => !shownFrames(panel).some((frame) => finitePoints(frame).length > 0))
        .map((panel) => panel.title || `(untitled ${panel.type} panel ${panel.id})`);
      expect(blank).toEqual([]);
    });

    it("every query reads the instance the Instance variable holds, and only that one", () => {
      const { instance } = instanceShown(scenario);
      const load = loadOf(scenario, engine);
      expect(load.variables.get(variables.instance)?.value).toBe(instance);
      expect(load.variables.get(variables.instance)?.options).toEqual([scraped.instance, secondInstance]);
      const elsewhere = load.panels.flatMap((panel) =>
        panel.targets.flatMap((t) =>
          selectorsIn(t.query)
            .filter(({ matchers }) => !matchers.split(",").includes(`instance="${instance}"`))
            .map(({ series, matchers }) => `${panel.title}: ${series}{${matchers}}`),
        ),
      );
      expect(elsewhere).toEqual([]);
    });
  },
);

// Selectors could name the instance and still read the other's data; the numbers tell.
describe.each(engineNames)("switching to the second instance, on %s", (engine) => {
  it("changes every panel's numbers", () => {
    const numbers = (load: DashboardLoad) =>
      new Map(
        showingQueries(load).map((panel) => [
          panel.title,
          shownFrames(panel)
            .flatMap(finitePoints)
            .map(([, v]) => v),
        ]),
      );
    const first = numbers(loadOf("provisioned", engine));
    const unchanged = [...numbers(loadOf("provisioned, second instance selected", engine))]
      .filter(([title, values]) => JSON.stringify(values) === JSON.stringify(first.get(title)))
      .map(([title]) => title);
    expect(unchanged).toEqual([]);
  });
});

// The first instance as imported, and the second as selected in the provisioned dashboard.
const valueChecks = engineNames.flatMap((engine) =>
  (["imported on the Import page", "provisioned, second instance selected"] as const).map(
    (scenario) => [scenario, engine] as const,
  ),
);

describe.each(valueChecks)("%s, on %s: known values", (scenario, engine) => {
  const truth = () => instanceShown(scenario).expected;

  // The outage is 1% of the history; 0.1 percentage point tells "counted once" from "missed" or
  // "counted twice", and still lets a panel average step-sampled points instead of raw samples.
  it("Uptime shows the share of successful scrapes, outage included", () => {
    const panel = panelTitled(loadOf(scenario, engine), "Uptime (7 days)");
    const [frame] = onlyFrames(panel, 1);
    const expected = truth().uptimeFraction(panel.range.fromMs, panel.range.toMs);
    expect(expected).toBeLessThan(0.995);
    const shown = shownValue(panel, frame as Frame);
    expect(shown).toBeGreaterThanOrEqual(expected - 0.001);
    expect(shown).toBeLessThanOrEqual(expected + 0.001);
  });

  // The history holds 50 hours of the budget's 30 days: the gauge says it counts two days, to the hour.
  it("Delivery Error Budget Left says how many days the engine holds, not the period's", () => {
    const panel = panelTitled(loadOf(scenario, engine), titles.deliveryBudget);
    const days = panel.targets.find((t) => t.legend === "Days counted");
    const [frame, ...more] = days?.frames ?? [];
    expect(more).toEqual([]);
    const held = (panel.range.toMs - Math.max(history.startMs, panel.range.fromMs)) / 86_400_000;
    expect(held).toBeLessThan(3);
    expect(Math.abs((shownValue(panel, frame as Frame) ?? Number.NaN) - held)).toBeLessThanOrEqual(1 / 24 + 0.01);
  });

  // Each point averages the polls of one rate window; an engine may leave out the window's first
  // poll (Prometheus' range starts at the first sample inside it). One poll of four moves the mean by
  // well under 2% (1% noise, slow drift), while a wrong formula is off by orders of magnitude.
  it.each(["BEAM VM Memory", "BEAM System Load"])("%s shows the average of Akkoma's memory polls", (title) => {
    const panel = panelTitled(loadOf(scenario, engine), title);
    const [memory, ...others] = panel.targets.filter(
      (t) => !t.hidden && t.reads.some((n) => n.startsWith("vm_memory_total")),
    );
    if (!memory || others.length > 0) throw new Error(`panel "${title}" should draw memory from exactly one query`);
    const windowMs = rangeWindowMs(memory.query, memory.inputs);
    const checked = memory.frames.flatMap(finitePoints).flatMap(([atMs, value]) => {
      const expected = truth().averageMemoryBytes(atMs - windowMs, atMs);
      return Number.isFinite(expected) ? [{ atMs, ratio: value / expected }] : [];
    });
    expect(checked.length).toBeGreaterThan(0);
    const wrong = checked.filter(({ ratio }) => !(ratio >= 0.98 && ratio <= 1.02));
    expect(
      wrong.map(({ atMs, ratio }) => `${new Date(atMs).toISOString()}: ${ratio.toFixed(3)} of the expected`),
    ).toEqual([]);
  });

  // Gauges pass through unchanged: every point at a scrape while Akkoma was up is exactly its value.
  it.each(queuePanels)("%s shows each queue's gauge, queues empty all along left out", (title, gauge) => {
    const panel = panelTitled(loadOf(scenario, engine), title);
    const frames = shownFrames(panel);
    expect(frames.map((f) => f.labels.queue_name).sort()).toEqual(
      queuesWithJobs(truth(), gauge, panel, history.queues),
    );
    for (const frame of frames) {
      const queue = frame.labels.queue_name as string;
      const wrong = finitePoints(frame)
        .map(([atMs, value]) => ({ atMs, value, expected: truth()[gauge](queue, atMs) }))
        .filter((p) => p.expected !== undefined && p.value !== p.expected);
      expect({ queue, wrong }).toEqual({ queue, wrong: [] });
    }
  });
});

const context: E2eContext = {
  history: () => history,
  dashboard: () => importText,
  load: (engine) => loadOf("imported on the Import page", engine),
  shown: (engine) =>
    valueChecks
      .filter(([, on]) => on === engine)
      .map(([scenario]) => ({ instance: instanceShown(scenario), load: loadOf(scenario, engine) })),
  /** The import file, changed by `edit`, loaded on one engine: panels the edit keeps only. */
  async loadVariant(engine, edit) {
    const on = engines?.all.find((e) => e.name === engine);
    if (!on) throw new Error(`${engine} did not start; see the beforeAll failure`);
    const json = JSON.parse(importText) as DashboardJson;
    edit(json);
    return loadDashboard(JSON.stringify(json), on, { imported: importedThrough("import page"), nowMs: nowOf(history) });
  },
};
describeDeliveries(engineNames, context);
describeDisplay(engineNames, context);
describeValues(engineNames, context);
describeUpTimeline(engineNames, context);
describeQueues(engineNames, context);
describeRestarts(engineNames, context);

describe("the synthetic history", () => {
  const at = (i: number) => history.startMs + i * 60_000;
  const ofFirst = () => history.series.filter((s) => s.labels.instance === history.instance);
  const seriesNamed = (name: string) => ofFirst().filter((s) => s.name === name);

  it("has one 30-minute outage: up=0 and no Akkoma series while it lasts", () => {
    const [up, ...more] = seriesNamed("up");
    expect(more).toEqual([]);
    const down = [...(up?.values ?? [])].flatMap((v, i) => (v === 0 ? [at(i)] : []));
    expect(down).toHaveLength(30);
    expect([down[0], (down[29] as number) + 60_000]).toEqual([history.outage.startMs, history.outage.endMs]);
    const reporting = ofFirst().filter(
      (s) => s.name !== "up" && down.some((t) => !Number.isNaN(s.values[(t - history.startMs) / 60_000] as number)),
    );
    expect(reporting.map((s) => s.name)).toEqual([]);
  });

  it("lets the lazy counters appear mid-history, after their first event", () => {
    const firstSeenMinute = (name: string) =>
      Math.min(...seriesNamed(name).map((s) => s.values.findIndex((v) => !Number.isNaN(v))));
    const fromTheStart = ["akkoma_ap_delivery_fail_final", "oban_job_exception_count"].filter(
      (name) => firstSeenMinute(name) < 60,
    );
    expect(fromTheStart).toEqual([]);
  });
});

describe("the evaluator", () => {
  const hours = (h: number) => ({ fromMs: 0, toMs: h * 3_600_000 });

  // Steps Grafana 12 sends for these ranges, widths and min intervals.
  it.each([
    [3, 1000, 60, 60],
    [24 * 7, 1000, 60, 600],
    [24 * 7, 700, 60, 900],
    [48, 1000, 60, 120],
    [24, 1000, 3600, 3600],
  ])("steps a %ih range at %i points with a %is min interval by %is", (h, maxDataPoints, minSeconds, stepSeconds) => {
    expect(queryStepMs(hours(h), { maxDataPoints, minIntervalMs: minSeconds * 1000 })).toBe(stepSeconds * 1000);
  });

  it("resolves server-side math and reduce expressions the way PromQL would compute them", async () => {
    const prometheus = { type: "prometheus", uid: importPlaceholder(importInputs.datasource) };
    const expression = { type: "__expr__", uid: "__expr__" };
    const memory = (part: string) => `rate(vm_memory_total_${part}{job="${scraped.job}"}[$__rate_interval])`;
    const dashboard = {
      __inputs: [{ name: importInputs.datasource, type: "datasource", pluginId: "prometheus" }],
      time: { from: "now-3h", to: "now" },
      panels: [
        {
          type: "timeseries",
          title: "memory",
          datasource: prometheus,
          targets: [
            { refId: "sum", hide: true, expr: memory("psum") },
            { refId: "count", hide: true, expr: memory("pcount") },
            { refId: "promql", expr: `${memory("psum")} / ${memory("pcount")}` },
            { refId: "ratio", datasource: expression, type: "math", expression: "$sum / ${count}" },
            { refId: "mean", datasource: expression, type: "reduce", expression: "ratio", reducer: "mean" },
          ],
        },
      ],
    };
    const engine = engines?.prometheus;
    if (!engine) throw new Error("Prometheus did not start; see the beforeAll failure");
    const [panel] = (
      await loadDashboard(JSON.stringify(dashboard), engine, {
        imported: importedThrough("import page"),
        nowMs: history.endMs,
      })
    ).panels;
    const frame = (refId: string) => panel?.targets.find((t) => t.refId === refId)?.frames[0] as Frame;
    expect(frame("ratio").points).toEqual(frame("promql").points);
    const values = finitePoints(frame("promql")).map(([, v]) => v);
    expect(frame("mean").points[0]?.[1]).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 3);
  });
});

function onlyFrames(panel: PanelResult, count: number): Frame[] {
  const frames = shownFrames(panel);
  if (frames.length !== count) {
    throw new Error(
      `panel "${panel.title}" shows ${frames.length} series, expected ${count}: ${JSON.stringify(frames.map((f) => f.labels))}`,
    );
  }
  return frames;
}
