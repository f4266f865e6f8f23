// The dashboard in Grafana's v2 schema (what Grafana 13 stores, Git Sync keeps and grafana-operator's
// GrafanaManifest applies), compiled with the foundation SDK's dashboardv2 builders from the declarations
// the v1 file is built from: each section's declared panels (their builder's look and their declared
// targets) become elements in a rows layout, and the dashboard's settings, variables, annotations and links
// are read from the SDK model the v1 renderer built from the same builders. Nothing is declared per
// schema: a panel added to a section is in both files. A v1 field with no place here is refused by name.

import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as v2 from "@grafana/grafana-foundation-sdk/dashboardv2";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import * as resource from "@grafana/grafana-foundation-sdk/resource";
import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import type { Section } from "../dashboards/akkoma";
import { PanelIds } from "../dashboards/ids";
import { placeSection } from "../dashboards/layout";
import { DashboardError } from "../errors";
import { datasource } from "../panels/common";
import type { DeclaredPanel, Target } from "../panels/panel";
import type { V2Version } from "./schemas/validatorNames";

/** v1 dashboard fields and where v2 keeps them; any other field is refused rather than silently lost. */
const dashboardFields = new Set([
  ...["title", "uid", "description", "tags", "editable", "graphTooltip", "time", "timezone", "refresh"],
  ...["timepicker", "fiscalYearStartMonth", "templating", "annotations", "links", "liveNow"],
  // The v1 renderer's own: a v2 resource has no schema version (its apiVersion is one), its id is its
  // name, and its panels come from the sections.
  ...["schemaVersion", "id", "panels"],
]);

/** v1 panel fields a declared panel's builder sets that v2 carries, or that the declaration says otherwise. */
const queryOptionFields = ["timeFrom", "timeShift", "interval", "maxDataPoints", "hideTimeOverride"] as const;
const panelFields = new Set<string>([
  ...["type", "pluginVersion", "title", "description", "options", "fieldConfig", "links", "transparent"],
  ...queryOptionFields,
  // Declared elsewhere: the targets (`DeclaredPanel.targets`), id and place (the title and the section's
  // order), and the data source (the variable, on every query).
  ...["targets", "id", "gridPos", "datasource"],
  // The SDK writes "h" on every panel; it means something only with `repeat`, which is refused.
  "repeatDirection",
]);

/** The v2 spec of the dashboard: `settings` is the v1 renderer's SDK model, `sectionList` its sections. */
export function v2DashboardSpec(settings: dashboard.Dashboard, sectionList: readonly Section[]): v2.Dashboard {
  refuseUnplaced("dashboard", settings, dashboardFields);
  const builder = new v2.DashboardBuilder(settings.title ?? "")
    .tags([...(settings.tags ?? [])])
    .editable(settings.editable ?? true)
    .liveNow(settings.liveNow ?? false)
    .cursorSync(v2.DashboardCursorSync[dashboard.DashboardCursorSync[settings.graphTooltip ?? 0] as CursorSync])
    .timeSettings(timeSettings(settings))
    .annotations((settings.annotations?.list ?? []).map(annotation))
    .links((settings.links ?? []).map(dashboardLink))
    .variables((settings.templating?.list ?? []).map(variable));
  if (settings.description !== undefined) builder.description(settings.description);
  const { elements, layout } = elementsAndLayout(sectionList);
  return builder.elements(elements).layout(layout).build();
}

type CursorSync = keyof typeof v2.DashboardCursorSync;

function refuseUnplaced(culprit: string, model: object, known: ReadonlySet<string>): void {
  const unplaced = Object.keys(model).filter((key) => !known.has(key));
  if (unplaced.length > 0) {
    throw new DashboardError(
      culprit,
      `has ${unplaced.join(", ")}, which the v2 renderer does not carry yet`,
      "give it its place in build/v2.ts, so the v2 resource keeps it too",
    );
  }
}

function timeSettings(settings: dashboard.Dashboard): v2.TimeSettingsBuilder {
  const time = new v2.TimeSettingsBuilder()
    .from(settings.time?.from ?? "now-6h")
    .to(settings.time?.to ?? "now")
    .autoRefresh(settings.refresh ?? "")
    .hideTimepicker(settings.timepicker?.hidden ?? false)
    .fiscalYearStartMonth(settings.fiscalYearStartMonth ?? 0);
  if (settings.timezone !== undefined) time.timezone(settings.timezone);
  const intervals = settings.timepicker?.refresh_intervals;
  if (intervals !== undefined) time.autoRefreshIntervals([...intervals]);
  return time;
}

/** A query in v2's form: the data source's type is its group, the data source (uid or variable) its name. */
const dataQuery = (ref: dashboard.DataSourceRef | undefined, spec: object): cog.Builder<v2.DataQueryKind> => ({
  build: () => ({
    ...v2.defaultDataQueryKind(),
    group: ref?.type ?? "",
    ...(ref?.uid ? { datasource: { name: ref.uid } } : {}),
    spec,
  }),
});

function annotation(model: dashboard.AnnotationQuery): v2.AnnotationQueryBuilder {
  const { name, enable, hide, iconColor, builtIn, datasource: ref, target, placement, filter, ...rest } = model;
  if (filter !== undefined) throw new DashboardError(`annotation "${name}"`, "a panel filter is not carried to v2 yet");
  const built = new v2.AnnotationQueryBuilder()
    .name(name)
    .enable(enable)
    .hide(hide ?? false)
    .iconColor(iconColor)
    .builtIn(Boolean(builtIn))
    .query(dataQuery(ref, target ?? {}));
  if (placement !== undefined) built.placement(v2.AnnotationQueryPlacement.InControlsMenu);
  // What only the data source's annotation editor reads (Prometheus': titleFormat, tagKeys...), as Grafana keeps it.
  const legacy = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
  return Object.keys(legacy).length > 0 ? built.legacyOptions(legacy) : built;
}

function dashboardLink(link: dashboard.DashboardLink): v2.DashboardLinkBuilder {
  const built = new v2.DashboardLinkBuilder()
    .title(link.title)
    .type(
      link.type === dashboard.DashboardLinkType.Dashboards
        ? v2.DashboardLinkType.Dashboards
        : v2.DashboardLinkType.Link,
    )
    .icon(link.icon)
    .tooltip(link.tooltip)
    .tags([...link.tags])
    .asDropdown(link.asDropdown)
    .targetBlank(link.targetBlank)
    .includeVars(link.includeVars)
    .keepTime(link.keepTime);
  if (link.url !== undefined) built.url(link.url);
  if (link.placement !== undefined) built.placement(v2.DashboardLinkPlacement.InControlsMenu);
  return built;
}

const option = (value: dashboard.VariableOption): v2.VariableOption => ({
  text: value.text,
  value: value.value,
  ...(value.selected === undefined ? {} : { selected: value.selected }),
});
/** The selected value: `selected` says nothing there, and Grafana keeps only text and value. */
const currentOf = ({ text, value }: dashboard.VariableOption): v2.VariableOption => ({ text, value });

/** The variable kinds the dashboard uses; another kind is refused by name. */
function variable(model: dashboard.VariableModel): cog.Builder<v2.VariableKind> {
  const { name } = model;
  const common = <B extends VariableCommon<B>>(built: B): B => {
    built.hide(v2.VariableHide[dashboard.VariableHide[model.hide ?? 0] as keyof typeof v2.VariableHide]);
    built.skipUrlSync(model.skipUrlSync ?? false);
    if (model.label !== undefined) built.label(model.label);
    if (model.description !== undefined) built.description(model.description);
    if (model.current !== undefined) built.current(currentOf(model.current));
    if (model.options !== undefined) built.options(model.options.map(option));
    return built;
  };
  const query = typeof model.query === "string" ? model.query : undefined;
  switch (model.type) {
    case "datasource":
      return common(new v2.DatasourceVariableBuilder(name)).pluginId(query ?? "");
    case "custom":
      return common(new v2.CustomVariableBuilder(name)).query(query ?? "");
    case "query": {
      if (query === undefined) throw new DashboardError(`variable ${name}`, "a query object is not carried to v2 yet");
      const built = common(new v2.QueryVariableBuilder(name))
        // A string query is kept under `__legacyStringValue`, as Grafana's own v1 -> v2 converter keeps it
        // (apps/dashboard/pkg/migration/conversion/v1beta1_to_v2alpha1.go, LEGACY_STRING_VALUE_KEY).
        .query(dataQuery(model.datasource, { __legacyStringValue: query }))
        .refresh(v2.VariableRefresh[dashboard.VariableRefresh[model.refresh ?? 0] as keyof typeof v2.VariableRefresh])
        .sort(v2.VariableSort[dashboard.VariableSort[model.sort ?? 0] as keyof typeof v2.VariableSort]);
      return model.definition === undefined ? built : built.definition(model.definition);
    }
    default:
      throw new DashboardError(`variable ${name}`, `a ${model.type} variable is not carried to v2 yet`);
  }
}

interface VariableCommon<B> {
  hide(hide: v2.VariableHide): B;
  skipUrlSync(skip: boolean): B;
  label(label: string): B;
  description(description: string): B;
  current(current: v2.VariableOption): B;
  options(options: v2.VariableOption[]): B;
}

/**
 * Each section a row of the rows layout, its panels in a grid placed as the v1 file places them (the
 * same skyline, counted from the row's top), each element named `panel-<id>` as Grafana names converted
 * panels, so `viewPanel=` links and alert links by id find it in both.
 */
function elementsAndLayout(sectionList: readonly Section[]): {
  elements: Record<string, v2.PanelBuilder>;
  layout: v2.RowsBuilder;
} {
  const ids = new PanelIds();
  const elements: Record<string, v2.PanelBuilder> = {};
  const layout = new v2.RowsBuilder();
  for (const section of sectionList) {
    const sizes = section.panels.map((panel) => {
      const { w, h } = panel.builder.build().gridPos ?? { w: 0, h: 0 };
      return { w, h };
    });
    const { positions } = placeSection(sizes, 0);
    const items = section.panels.map((panel, index) => {
      const id = ids.of(panel.title);
      const name = `panel-${id}`;
      elements[name] = panelElement(panel, id);
      const { x, y, w, h } = positions[index] as dashboard.GridPos;
      return new v2.GridItemBuilder().name(name).x(x).y(y).width(w).height(h);
    });
    // Over raw series the objective's 30-day budget is dear: its row starts collapsed, and a collapsed v2
    // row renders no layout, so no panel of it queries until it is opened (dashboard-scene/scene/layout-rows/
    // RowItemRenderer.tsx), as in v1. With the objective off (values' `federationSlo.enabled: false`) `sections`
    // leaves the row out, as the rules that would feed it: a build-time choice, not conditional rendering.
    layout.row(
      new v2.RowBuilder()
        .title(section.title)
        .collapse(section.collapsed === true)
        .layout(new v2.GridBuilder().items(items)),
    );
  }
  return { elements, layout };
}

function panelElement(declared: DeclaredPanel, id: number): v2.PanelBuilder {
  const model = declared.builder.build();
  refuseUnplaced(`panel "${declared.title}"`, model, panelFields);
  const queryOptions = new v2.QueryOptionsSpecBuilder();
  if (model.timeFrom !== undefined) queryOptions.timeFrom(model.timeFrom);
  if (model.timeShift !== undefined) queryOptions.timeShift(model.timeShift);
  if (model.interval !== undefined) queryOptions.interval(model.interval);
  if (model.maxDataPoints !== undefined) queryOptions.maxDataPoints(model.maxDataPoints);
  if (model.hideTimeOverride) queryOptions.hideTimeOverride(true);
  const fieldConfig = model.fieldConfig ?? { defaults: {}, overrides: [] };
  const built = new v2.PanelBuilder()
    .id(id)
    .title(declared.title)
    .description(model.description ?? "")
    .links((model.links ?? []).map(panelLink))
    .data(
      new v2.QueryGroupBuilder()
        .targets(declared.targets.map(panelQuery))
        .transformations([])
        .queryOptions(queryOptions),
    )
    .visualization(
      new v2.VizConfigKindBuilder()
        .group(model.type)
        .version(model.pluginVersion ?? "")
        .options(model.options ?? {})
        // One JSON shape in both schemas; the SDK's two copies of its enums only make them distinct types.
        .fieldConfig({
          defaults: fieldConfig.defaults,
          overrides: fieldConfig.overrides ?? [],
        } as v2.FieldConfigSource),
    );
  return model.transparent ? built.transparent(true) : built;
}

const panelLink = (link: dashboard.DashboardLink): cog.Builder<v2.DataLink> => {
  const built = new v2.DataLinkBuilder().title(link.title).url(link.url ?? "");
  return link.targetBlank ? built.targetBlank(true) : built;
};

/** A declared target as v2's panel query: what panels/panel.ts `dataquery` writes for the v1 file. */
function panelQuery(target: Target): v2.TargetBuilder {
  const query = new prometheus.QueryV2Builder()
    .datasource({ name: datasource.uid })
    .expr(target.expr)
    .legendFormat(target.legend);
  if (target.instant) query.range(false).instant(true);
  else query.range(true).instant(false);
  if (target.minStep) query.interval(target.minStep);
  return new v2.TargetBuilder().refId(target.refId).hidden(false).query(query);
}

/**
 * The API version each form is written under. Grafana 13 stores `v2`; Grafana 12.x serves `v2beta1` (with its
 * kubernetesDashboards and dashboardNewLayouts feature toggles). The two schemas differ only in
 * transformations and `preferences` (build/schemas/README.md), which the dashboard has neither of, so one
 * spec serves both, each form checked against its own schema.
 */
export const v2ApiVersions: Readonly<Record<V2Version, string>> = {
  dashboardv2: "dashboard.grafana.app/v2",
  dashboardv2beta1: resource.DashboardV2Beta1,
};

/** Where a resource's folder is named: a folder's uid, as Git Sync, Grafana's CLI and the API read it. */
export const folderAnnotation = "grafana.app/folder";

/** The dashboard as a `kind: Dashboard` resource: its name is its uid; a folder uid becomes the annotation. */
export function dashboardResource(
  version: V2Version,
  uid: string,
  spec: v2.Dashboard,
  folderUid?: string,
): resource.Manifest {
  const metadata = resource.named(uid);
  if (folderUid !== undefined) metadata.annotations({ [folderAnnotation]: folderUid });
  return new resource.ManifestBuilder()
    .apiVersion(v2ApiVersions[version])
    .kind(resource.DashboardKind)
    .metadata(metadata)
    .spec(spec)
    .build();
}
