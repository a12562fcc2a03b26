/* The three record forms (finding, eradication, target verification): their fields, the payload
   they build and the checks made on the phone before 「完成并提交」 (the server checks again). */
import { anchor } from "../crs.js";
import { areaField, choiceField, h, isoNow, numberOrNull, peopleField, selectField, textField } from "../forms.js";
import { photoPicker } from "../photos.js";
import { positionField } from "./record_position.js";
import { choices, feature, featureId, labelOf, selfPerson } from "./tasks_package.js";

export const TITLES = { finding: "发现种植", eradication: "铲除登记", target_verification: "靶点核查" };

function text(field) {
  return field.input.value.trim();
}

function countCheck(errors, field, value, { label, min = 0, integer = false, required = true }) {
  if (value === null) { if (required) errors[field] = `请填写${label}`; return; }
  if (Number.isNaN(value) || value < min || (integer && !Number.isInteger(value))) {
    errors[field] = `${label}应为${integer ? "整数" : "数字"}，且不小于 ${min}`;
  }
}

// ---------------------------------------------------------------------------------- finding

function findingForm(ctx) {
  const { pkg, me, payload: p, photos, changed } = ctx;
  const species = selectField("species", "植物种类", choices(pkg, "species"), { value: p.species || "poppy" });
  const speciesName = textField("species_name", "植物名称（种类为“其他”时填写）", { value: p.species_name });
  const stage = selectField("stage", "生长期", choices(pkg, "stage"), { value: p.stage });
  const setting = selectField("setting", "种植场所", choices(pkg, "setting"), { value: p.setting });
  const count = textField("plant_count", "估计株数", { value: p.plant_count ?? "", type: "number", min: 0, step: 1, inputmode: "numeric" });
  const area = textField("area_m2", "面积（平方米）", { value: p.area_m2 ?? "", type: "number", min: 0, step: "any", inputmode: "decimal" });
  const place = textField("place", "地点描述", { value: p.place, placeholder: "如：王家沟北坡，李某院内" });
  const position = positionField({ label: "发现位置（手机定位）", value: p.lon != null ? { lon: p.lon, lat: p.lat, acc: p.acc, t: p.found_at } : null, onChange: changed, testid: "position" });
  const self = selfPerson(me);
  const foundBy = peopleField("found_by", "发现人", me.people || [], { value: p.found_by || (self ? [self.id] : []) });
  const note = areaField("note", "情况说明", { value: p.note });
  // A finding belongs to a village: a town-level user picks one of the package's villages.
  const villages = new Map();
  for (const f of [...(pkg?.cells?.features || []), ...(pkg?.targets?.features || [])]) {
    if (f.properties?.unit_id) villages.set(String(f.properties.unit_id), f.properties.unit || "");
  }
  const ownUnit = me.user?.unit?.id ? String(me.user.unit.id) : "";
  const pickUnit = villages.size > 0 && !villages.has(ownUnit);
  const unit = selectField("unit_id", "所属村（社区）", [...villages.entries()], { value: p.unit_id || "" });
  const found = photoPicker({ role: "found", label: "现场照片", items: photos, onChange: changed, testid: "photos-found", hint: "拍下植株和周围环境，至少一张" });
  const fields = [pickUnit ? unit.wrap : null, species.wrap, speciesName.wrap, stage.wrap, setting.wrap, count.wrap, area.wrap, position.wrap, place.wrap, foundBy.wrap, note.wrap, found.wrap];
  const toggle = () => { speciesName.wrap.hidden = species.input.value !== "other"; };
  species.input.addEventListener("change", toggle);
  toggle();
  return {
    fields,
    cleanup: () => { position.cleanup(); found.cleanup(); },
    photos: () => found.items(),
    payload: () => {
      const pos = position.get();
      return {
        unit_id: pickUnit ? unit.input.value || null : ownUnit || null,
        lon: pos ? pos.lon : null, lat: pos ? pos.lat : null, acc: pos ? pos.acc : null, crs: "wgs84",
        species: species.input.value, species_name: text(speciesName), stage: stage.input.value, setting: setting.input.value,
        plant_count: numberOrNull(count.input.value), area_m2: numberOrNull(area.input.value),
        found_at: p.found_at || isoNow(), found_by: foundBy.get(), place: text(place), note: text(note),
        patrol_uuid: p.patrol_uuid || ctx.query.get("patrol_uuid") || null,
        round_id: p.round_id || ctx.query.get("round_id") || null,
      };
    },
    validate: (q, files) => {
      const e = {};
      if (!q.species) e.species = "请选择植物种类";
      if (q.species === "other" && !q.species_name) e.species_name = "植物种类为“其他”时请填写名称";
      if (!q.stage) e.stage = "请选择生长期";
      if (!q.setting) e.setting = "请选择种植场所";
      countCheck(e, "plant_count", q.plant_count, { label: "株数", integer: true });
      countCheck(e, "area_m2", q.area_m2, { label: "面积", required: false });
      if (q.lon === null) e.lon = "请取得手机定位（点「使用当前位置」）";
      if (!q.unit_id) e[pickUnit ? "unit_id" : "lon"] = pickUnit ? "请选择所属村（社区）" : "不知道所属村（社区）：请联网同步一次";
      if (!q.found_by.length) e.found_by = "请选择发现人";
      if (!files.length) e.photos_found = "请至少拍一张现场照片";
      return e;
    },
  };
}

// ------------------------------------------------------------------------------ eradication

function eradicationForm(ctx) {
  const { pkg, me, payload: p, photos, changed, localFindings } = ctx;
  const open = (pkg?.findings?.features || []).map((f) => [`id:${featureId(f)}`,
    `${f.properties.code || ""} ${f.properties.species_label || ""} ${f.properties.plant_count ?? ""}株`.trim()]);
  const mine = localFindings.map((r) => [`uuid:${r.uuid}`, `本机记录：${labelOf(choices(pkg, "species"), r.payload.species)} ${r.payload.plant_count ?? ""}株 ${r.payload.place || ""}`.trim()]);
  const initial = p.finding_uuid ? `uuid:${p.finding_uuid}` : p.finding_id ? `id:${p.finding_id}`
    : ctx.query.get("finding_uuid") ? `uuid:${ctx.query.get("finding_uuid")}` : ctx.query.get("finding_id") ? `id:${ctx.query.get("finding_id")}` : "";
  const none = !mine.length && !open.length;
  const findingSel = selectField("finding", "要铲除的发现点", [...mine, ...open], {
    value: initial,
    blank: none ? "目前没有待铲除的发现点" : "请选择",
    hint: none ? "先在「发现种植」中登记发现点（或联网同步任务），再登记铲除。" : undefined,
  });
  const method = selectField("method", "铲除方式", choices(pkg, "eradication_method"), { value: p.method || "pulled" });
  const self = selfPerson(me);
  const doneBy = peopleField("done_by", "铲除人员", me.people || [], { value: p.done_by || (self ? [self.id] : []) });
  const witnesses = peopleField("witnesses", "见证人", me.people || [], { value: p.witnesses || [], hint: "至少要有一名村干部（村“两委”成员）作见证，服务器会核对" });
  const destroyed = textField("plants_destroyed", "铲除株数", { value: p.plants_destroyed ?? "", type: "number", min: 1, step: 1, inputmode: "numeric" });
  const destruction = textField("destruction", "销毁方式", { value: p.destruction || "", placeholder: "如：就地焚烧、深埋" });
  const note = areaField("note", "情况说明", { value: p.note });
  const before = photoPicker({ role: "before", label: "铲除前", items: photos, onChange: changed, testid: "photos-before" });
  const after = photoPicker({ role: "after", label: "铲除后", items: photos, onChange: changed, testid: "photos-after" });
  return {
    fields: [findingSel.wrap, method.wrap, doneBy.wrap, witnesses.wrap, destroyed.wrap, destruction.wrap, note.wrap, before.wrap, after.wrap],
    cleanup: () => { before.cleanup(); after.cleanup(); },
    photos: () => [...before.items(), ...after.items()],
    payload: () => {
      const [how, ref] = (findingSel.input.value || ":").split(":");
      return {
        finding_id: how === "id" ? ref : null, finding_uuid: how === "uuid" ? ref : null,
        done_at: p.done_at || isoNow(), method: method.input.value, done_by: doneBy.get(), witnesses: witnesses.get(),
        plants_destroyed: numberOrNull(destroyed.input.value), destruction: text(destruction), note: text(note),
      };
    },
    validate: (q) => {
      const e = {};
      if (!q.finding_id && !q.finding_uuid) e.finding = "请选择要铲除的发现点";
      if (!q.method) e.method = "请选择铲除方式";
      if (!q.done_by.length) e.done_by = "请选择铲除人员";
      if (!q.witnesses.length) e.witnesses = "请选择见证人（至少一名村干部）";
      countCheck(e, "plants_destroyed", q.plants_destroyed, { label: "铲除株数", min: 1, integer: true });
      if (!q.destruction) e.destruction = "请填写销毁方式（如：就地焚烧、深埋）";
      if (!before.items().length) e.photos_before = "请拍铲除前照片";
      if (!after.items().length) e.photos_after = "请拍铲除后照片";
      return e;
    },
  };
}

// ------------------------------------------------------------------------ target verification

const COMPLETE_RESULTS = ["true", "self_removed"];

function verificationForm(ctx) {
  const { pkg, me, payload: p, photos, changed } = ctx;
  const targetId = p.target_id || ctx.query.get("target") || "";
  const target = feature(pkg, "targets", targetId);
  const point = target ? anchor(target.geometry) : null;
  const result = choiceField("result", "核查结论", choices(pkg, "verify_result"), { value: p.result || "" });
  const falseReason = selectField("reason", "不属实的原因", choices(pkg, "false_reason"), { value: p.result === "false" ? p.reason : "" });
  const unreachable = selectField("unreachable_reason", "无法到达的原因", choices(pkg, "unreachable_reason"), { value: p.result === "unreachable" ? p.reason : "" });
  const reasonText = textField("reason_text", "原因说明", { value: p.reason_text, placeholder: "如：道路塌方，车辆无法通行" });
  const others = (pkg?.targets?.features || []).filter((f) => featureId(f) !== String(targetId)).map((f) => [featureId(f), f.properties.code || featureId(f)]);
  const duplicate = selectField("duplicate_of", "与哪个靶点重复", others, { value: p.duplicate_of || "" });
  const self = selfPerson(me);
  const verifiers = peopleField("verifiers", "核查人（两人到场）", me.people || [], { value: p.verifiers || (self ? [self.id] : []) });
  const arrival = positionField({ label: "到达位置（手机定位）", value: p.arrival, target: point, onChange: changed, testid: "arrival" });
  const police = h("input", { type: "checkbox", id: "zf-police", name: "police_present" });
  police.checked = Boolean(p.police_present);
  const policeWrap = h("div", { class: "zf-switch zf-field", dataset: { field: "police_present" } }, police, h("label", { for: "zf-police" }, "民警在场"));
  const count = textField("plant_count", "株数", { value: p.plant_count ?? "", type: "number", min: 1, step: 1, inputmode: "numeric" });
  const area = textField("found_area_m2", "核实面积（平方米）", { value: p.found_area_m2 ?? "", type: "number", min: 0, step: "any", inputmode: "decimal" });
  const species = selectField("species", "植物种类", choices(pkg, "species"), { value: p.species || "" });
  const stage = selectField("stage", "生长期", choices(pkg, "stage"), { value: p.stage || "" });
  const setting = selectField("setting", "种植场所", choices(pkg, "setting"), { value: p.setting || "" });
  const note = areaField("note", "情况说明", { value: p.note });
  const far = photoPicker({ role: "far", label: "远景", items: photos, onChange: changed, testid: "photos-far" });
  const near = photoPicker({ role: "near", label: "近景", items: photos, onChange: changed, testid: "photos-near" });
  const feat = photoPicker({ role: "feature", label: "特征", items: photos, onChange: changed, testid: "photos-feature" });
  const head = target
    ? h("div", { class: "zf-card" }, h("strong", null, `靶点 ${target.properties.code || ""}`), h("div", null, `${target.properties.unit || ""} · 截止 ${target.properties.due_on || "—"}`))
    : h("div", { class: "zf-notice zf-notice-danger" }, "本机任务中没有这个靶点：请联网同步后再从任务列表进入。");
  const findingFields = [count.wrap, area.wrap, species.wrap, stage.wrap, setting.wrap];
  const toggle = () => {
    const r = result.get();
    falseReason.wrap.hidden = r !== "false";
    unreachable.wrap.hidden = r !== "unreachable";
    reasonText.wrap.hidden = !["false", "unreachable"].includes(r);
    duplicate.wrap.hidden = r !== "duplicate";
    findingFields.forEach((w) => { w.hidden = !COMPLETE_RESULTS.includes(r); });
  };
  result.wrap.addEventListener("change", toggle);
  toggle();
  return {
    fields: [head, result.wrap, falseReason.wrap, unreachable.wrap, reasonText.wrap, duplicate.wrap, verifiers.wrap, arrival.wrap, policeWrap, ...findingFields, note.wrap, far.wrap, near.wrap, feat.wrap],
    cleanup: () => { arrival.cleanup(); far.cleanup(); near.cleanup(); feat.cleanup(); },
    photos: () => [...far.items(), ...near.items(), ...feat.items()],
    payload: () => {
      const r = result.get();
      const complete = COMPLETE_RESULTS.includes(r);
      const pos = arrival.get();
      return {
        target_id: targetId, result: r,
        reason: r === "false" ? falseReason.input.value : r === "unreachable" ? unreachable.input.value : "",
        // The server takes no code for 无法到达: its label leads the written reason.
        reason_text: r === "false" ? text(reasonText)
          : r === "unreachable" ? [labelOf(choices(pkg, "unreachable_reason"), unreachable.input.value), text(reasonText)].filter(Boolean).join("：")
            : "",
        duplicate_of: r === "duplicate" ? duplicate.input.value || null : null,
        verifiers: verifiers.get(), verified_at: p.verified_at || isoNow(),
        arrival: pos ? { lon: pos.lon, lat: pos.lat, acc: pos.acc, source: "phone" } : null,
        police_present: police.checked,
        plant_count: complete ? numberOrNull(count.input.value) : null,
        found_area_m2: complete ? numberOrNull(area.input.value) : null,
        species: complete ? species.input.value : "", stage: complete ? stage.input.value : "", setting: complete ? setting.input.value : "",
        note: text(note),
      };
    },
    validate: (q) => {
      const e = {};
      if (!q.target_id || !target) e.result = "不知道要核查哪个靶点，请从任务列表进入";
      if (!q.result) e.result = "请选择核查结论";
      if (q.result === "false" && !q.reason) e.reason = "请选择不属实的原因";
      if (q.result === "false" && q.reason === "other" && !q.reason_text) e.reason_text = "原因为“其他”时请填写说明";
      if (q.result === "unreachable" && !q.reason && !q.reason_text) e.unreachable_reason = "请选择或填写无法到达的原因";
      if (q.result === "duplicate" && !q.duplicate_of) e.duplicate_of = "请选择与之重复的靶点";
      if (q.verifiers.length < 2) e.verifiers = "核查人至少 2 人（两人同时到场核查）";
      if (!q.arrival) e.arrival = "请取得到达位置（点「使用当前位置」）";
      if (COMPLETE_RESULTS.includes(q.result)) {
        countCheck(e, "plant_count", q.plant_count, { label: "株数", min: 1, integer: true });
        countCheck(e, "found_area_m2", q.found_area_m2, { label: "核实面积" });
        if (!q.species) e.species = "请选择植物种类";
        if (!q.stage) e.stage = "请选择生长期";
        if (!q.setting) e.setting = "请选择种植场所";
        if (!far.items().length) e.photos_far = "请拍远景照片（远景、近景、特征各至少一张）";
        if (!near.items().length) e.photos_near = "请拍近景照片";
        if (!feat.items().length) e.photos_feature = "请拍特征照片";
      } else if (q.result && !far.items().length && !near.items().length && !feat.items().length) {
        e.photos_far = "请至少拍一张现场照片（如受阻处的远景）";
      }
      return e;
    },
  };
}

export const FORMS = { finding: findingForm, eradication: eradicationForm, target_verification: verificationForm };
