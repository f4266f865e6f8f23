import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { DashboardError } from "../errors";
import { dashboard as settings, links, variables } from "../config";
import { activityPanels } from "../panels/activity";
import { type DeclaredPanel, declaredOver } from "../panels/panel";
import { statusPanels } from "../panels/status";
import { sloPanels } from "../panels/slo";
import { trendPanels } from "../panels/trends";
import type { JobScope } from "../queries/selectors";
import { restartAnnotation } from "./annotations";
import { placeSection } from "./layout";
import { PanelIds } from "./ids";
import { deadReasonsVariable } from "./toggles";
import { type VariableDefaults, dashboardVariables } from "./variables";

export interface Section {
  readonly title: string;
  /**
   * Starts collapsed: Grafana queries a collapsed row's panels only once it is opened, so a section whose
   * queries are dear costs nothing until someone looks.
   */
  readonly collapsed?: boolean;
  /** Each made by `panel(builder, [target(...), ...])`, which gives it its queries and their units. */
  readonly panels: readonly DeclaredPanel[];
}

/** What a rendering's values change in the sections: the delivery objective's row follows its rules. */
export interface SectionSettings {
  readonly slo?: { readonly objective?: number; readonly enabled?: boolean };
  readonly deadInstanceReasons?: readonly string[];
  /**
   * Declare the panels over the series the recording rules for this scope record, where they can stand
   * in (`--recorded`): each target's declared PromQL is then the recorded form it renders.
   */
  readonly recordedSeriesOf?: JobScope;
}

export const sections = ({ slo, deadInstanceReasons, recordedSeriesOf }: SectionSettings = {}): Section[] =>
  declaredOver(recordedSeriesOf, () => [
    { title: "Status", panels: statusPanels() },
    { title: "Activity", panels: activityPanels() },
    { title: "Long-term trends", panels: trendPanels() },
    ...(slo?.enabled === false
      ? []
      : [
          {
            title: "Federation delivery objective",
            // Over raw series its 30-day budget reads a month of failures per target; over recorded
            // series it is cheap, and the row starts open.
            collapsed: recordedSeriesOf === undefined,
            panels: sloPanels({ objective: slo?.objective, deadInstanceReasons }),
          },
        ]),
  ]);

/** One deployment's dashboard: its own uid and title (a second instance), its variables' defaults. */
export interface DashboardSettings extends VariableDefaults {
  readonly uid?: string;
  readonly title?: string;
  /** The reasons the dead-instance toggle hides (default: the config's). */
  readonly deadInstanceReasons?: readonly string[];
}

/**
 * The SDK gives every link and annotation the placement "inControlsMenu"; Grafana's header draws only
 * those without one, the rest hide in the controls dropdown (public/app/features/dashboard-scene/scene/
 * DashboardLinksControls.tsx, DataLayerControls.tsx). Ours belong in the header.
 */
export const inHeader = <B extends { placement(placement: never): B }>(builder: B): B =>
  builder.placement(undefined as never);

/** Akkoma's documentation, and the admin pages the instance serves (`instance` is domain:port). */
const dashboardLinks = () => [
  new dashboard.DashboardLinkBuilder("Akkoma documentation")
    .type(dashboard.DashboardLinkType.Link)
    .url(links.docs)
    .icon("doc")
    .tooltip("Administration → Monitoring explains these metrics")
    .targetBlank(true),
  ...[
    ["Phoenix LiveDashboard", links.liveDashboard],
    ["Oban jobs", links.obanDashboard],
  ].map(([title, path]) =>
    new dashboard.DashboardLinkBuilder(title as string)
      .type(dashboard.DashboardLinkType.Link)
      .url(`https://\${${variables.instance}}${path}`)
      .icon("dashboard")
      .tooltip("On the instance itself, for admins")
      .targetBlank(true),
  ),
];

export function akkomaDashboard(
  sectionList: readonly Section[] = sections(),
  deployment: DashboardSettings = {},
): dashboard.Dashboard {
  const builder = new dashboard.DashboardBuilder(deployment.title ?? settings.title)
    .uid(deployment.uid ?? settings.uid)
    .description(settings.description)
    .tags([...settings.tags])
    .editable()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .time({ from: settings.timeFrom, to: "now" })
    .timezone(settings.timezone)
    .refresh(settings.refresh)
    .annotation(
      new dashboard.AnnotationQueryBuilder()
        .name("Annotations & Alerts")
        .builtIn(1)
        .datasource({ type: "grafana", uid: "-- Grafana --" })
        .enable(true)
        .hide(true)
        .iconColor("rgba(0, 211, 255, 1)")
        .type("dashboard"),
    )
    .annotation(inHeader(restartAnnotation()))
    .links(dashboardLinks().map(inHeader))
    .timepicker(new dashboard.TimePickerBuilder().refreshIntervals([...settings.refreshIntervals]));
  for (const variable of dashboardVariables(deployment)) builder.withVariable(variable);
  builder.withVariable(deadReasonsVariable(deployment.deadInstanceReasons));

  const titles = new Set<string>();
  const ids = new PanelIds();
  let top = 0;
  for (const section of sectionList) {
    const row = new dashboard.RowBuilder(section.title)
      .id(ids.of(`row ${section.title}`))
      .gridPos({ x: 0, y: top, w: 24, h: 1 });
    // Each panel renders the targets it declares: over recorded series if `sections` declared it so.
    const collapsed = section.collapsed === true;
    const panels = section.panels.map((panel) => declared(panel, section.title));
    for (const { title } of panels) {
      if (!title.trim()) throw new DashboardError(`section "${section.title}"`, "a panel has no title");
      if (titles.has(title)) throw new DashboardError(`panel "${title}"`, "the title is used twice");
      titles.add(title);
    }
    // The SDK's span() and height() set each panel's size; the place follows from the order.
    const sizes = panels.map((panel) => panel.builder.build().gridPos ?? { w: 0, h: 0 });
    const { positions, bottom } = placeSection(sizes, top + 1);
    const placed = panels.map((panel, index) =>
      panel.builder.id(ids.of(panel.title)).gridPos(positions[index] as dashboard.GridPos),
    );
    if (collapsed) {
      // A collapsed row holds its panels; the next section starts right below its header.
      builder.withRow(placed.reduce((holder, panel) => holder.withPanel(panel), row.collapsed(true)));
      top += 1;
    } else {
      builder.withRow(row);
      for (const panel of placed) builder.withPanel(panel);
      top = bottom;
    }
  }
  return builder.build();
}

/** A section's panel as `panel()` declares it; an SDK builder put in a section directly is refused, by name. */
function declared(panel: DeclaredPanel, section: string): DeclaredPanel {
  if (!("builder" in panel)) {
    const built = (panel as { build?: () => dashboard.Panel }).build?.();
    throw new DashboardError(
      built?.title ? `panel "${built.title}"` : `a panel of section "${section}"`,
      "is an SDK builder, not a declared panel: its queries' series and units are unknown",
      "declare it as panel(builder, [target(query, legend), ...]) (panels/panel.ts)",
    );
  }
  return panel;
}
