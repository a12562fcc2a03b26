/* The worker's offline package (/sync/tasks) and profile (/sync/me), as sync.js caches them in meta. */
import { getMeta } from "../db.js";

const EMPTY = { type: "FeatureCollection", features: [] };

export async function loadPackage() {
  const pkg = (await getMeta("tasks")) || null;
  if (!pkg) return null;
  return {
    ...pkg,
    cells: pkg.cells || EMPTY,
    plots: pkg.plots || EMPTY,
    targets: pkg.targets || EMPTY,
    findings: pkg.findings || EMPTY,
    rounds: pkg.rounds || [],
    choices: pkg.choices || {},
  };
}

/* {user, device, people}; older caches may hold the user alone under "user". */
export async function loadMe() {
  const me = (await getMeta("me")) || null;
  if (me && me.user) return { people: [], ...me };
  const user = (await getMeta("user")) || null;
  if (user && user.user) return { people: [], ...user };
  return { user, device: (await getMeta("device")) || null, people: (await getMeta("people")) || [] };
}

// Used only when a package from an older server lacks a list; the server's labels win.
const FALLBACK = {
  species: [["poppy", "罂粟"], ["cannabis", "大麻"], ["other", "其他"]],
  stage: [["emerged", "出苗"], ["budding", "现蕾"], ["flowering", "开花"], ["fruiting", "结果"], ["after_latex", "割浆后"]],
  setting: [["courtyard", "庭院"], ["around_house", "房前屋后"], ["field_edge", "田间地头"], ["intercropped", "夹种在作物中"], ["greenhouse", "大棚"], ["wild", "荒坡野外"]],
  patrol_result: [["nothing", "未发现"], ["suspected", "发现疑似"], ["finding", "发现种植"]],
  eradication_method: [["pulled", "人工拔除"], ["dug", "铲除"], ["burned", "焚烧"], ["other", "其他"]],
  verify_result: [["true", "属实"], ["false", "不属实"], ["unreachable", "无法到达"], ["self_removed", "已自行铲除"], ["duplicate", "重复"]],
  false_reason: [["lawn", "草坪"], ["bare", "裸地/滑坡"], ["ornamental", "观赏花卉（如虞美人）"], ["wild_poppy", "野生罂粟"], ["other_crop", "其他作物"], ["roof", "屋顶/地膜/塑料"], ["shadow", "阴影/影像误判"], ["other", "其他"]],
  unreachable_reason: [["road_cut", "道路中断"], ["landslide", "塌方/滑坡"], ["water", "河水上涨无法涉水"], ["cliff", "陡崖无路可上"], ["other", "其他"]],
};

export function choices(pkg, name) {
  const list = pkg?.choices?.[name];
  return Array.isArray(list) && list.length ? list : FALLBACK[name] || [];
}

export function labelOf(pairs, value) {
  const hit = pairs.find(([v]) => v === value);
  return hit ? hit[1] : value || "";
}

export function feature(pkg, layer, id) {
  return (pkg?.[layer]?.features || []).find((f) => String(f.id ?? f.properties?.id) === String(id)) || null;
}

export function featureId(f) {
  return String(f.id ?? f.properties?.id ?? "");
}

/* A police officer verifies targets only: patrols, findings and eradications are the villages' work. */
export function targetsOnly(me) {
  return me?.user?.role === "police";
}

export const TARGETS_ONLY_TEXT = "民警账号在外业采集中只核查靶点；踏查、发现和铲除由村干部、网格员记录。";

/* The worker's own Person among `people` (to preselect them as walker, finder…). */
export function selfPerson(me) {
  const people = me?.people || [];
  const user = me?.user || {};
  return people.find((p) => user.person_id && String(p.id) === String(user.person_id))
    || people.find((p) => p.name && p.name === user.name) || null;
}
