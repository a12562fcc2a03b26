/* 踏查: start a patrol, watch it record (figures, checkpoints, keep-screen-on), finish it. */
import { getRecord, listRecords } from "../db.js";
import { formatDistance } from "../crs.js";
import { choiceField, formatDuration, formatTime, h, put, icon, notice, peopleField, selectField, areaField } from "../forms.js";
import * as gps from "../gps.js";
import * as recorder from "./patrol_recorder.js";
import { choices, loadMe, loadPackage, selfPerson, targetsOnly, TARGETS_ONLY_TEXT } from "./tasks_package.js";

const LOCK_WARNING = "锁屏后网页无法记录轨迹，请保持屏幕常亮或在每个地块拍照打卡。";

function unitsOf(pkg, me) {
  const units = new Map();
  const own = me?.user?.unit;
  if (own?.id) units.set(String(own.id), own.name);
  for (const f of pkg?.cells?.features || []) {
    const p = f.properties || {};
    if (p.unit_id) units.set(String(p.unit_id), p.unit || "");
  }
  return [...units.entries()];
}

function roundsFor(pkg, unitId) {
  return (pkg?.rounds || []).filter((r) => !unitId || !r.unit_ids || r.unit_ids.map(String).includes(String(unitId)));
}

async function renderStart(root, go) {
  const [pkg, me] = await Promise.all([loadPackage(), loadMe()]);
  const units = unitsOf(pkg, me);
  const ownUnit = me?.user?.unit?.id ? String(me.user.unit.id) : units[0]?.[0] || "";
  const unit = selectField("unit_id", "村（社区）", units, { value: ownUnit });
  const round = selectField("round_id", "踏查轮次", [], { blank: "不属于任何轮次" });
  const fillRounds = () => {
    const list = roundsFor(pkg, unit.input.value);
    round.input.replaceChildren(h("option", { value: "" }, "不属于任何轮次"), ...list.map((r) => h("option", { value: r.id }, r.name)));
    if (list.length) round.input.value = list[0].id;
  };
  unit.input.addEventListener("change", fillRounds);
  fillRounds();
  const people = me?.people || [];
  const self = selfPerson(me);
  const walkers = peopleField("people", "踏查人员", people, { value: self ? [self.id] : [] });
  const message = h("div", { "aria-live": "polite" });
  const startBtn = h("button", { type: "button", class: "zf-btn zf-btn-primary zf-btn-block", testid: "patrol-start" }, icon("play-fill"), " 开始踏查");
  startBtn.addEventListener("click", async () => {
    if (!unit.input.value) { message.replaceChildren(notice("请选择村（社区）", "danger")); return; }
    if (!walkers.get().length && people.length) { message.replaceChildren(notice("请至少选择一名踏查人员", "danger")); return; }
    startBtn.disabled = true;
    try {
      await recorder.start({ unitId: unit.input.value, roundId: round.input.value || null, people: walkers.get() });
      go("#/patrol");
    } catch (error) {
      startBtn.disabled = false;
      message.replaceChildren(notice(`无法开始：${error.message || error}`, "danger"));
    }
  });
  const recent = (await listRecords({ kind: "patrol" })).slice(-3).reverse();
  put(root, 
    h("h1", { class: "zf-title" }, "踏查"),
    notice(LOCK_WARNING, "warn", "lock-warning"),
    !pkg ? notice("还没有任务数据：联网同步一次后会出现本村和轮次。", "info") : null,
    unit.wrap, round.wrap, walkers.wrap, message, startBtn,
    recent.length ? h("section", { class: "zf-section" }, h("h2", null, "最近的踏查"),
      h("div", { class: "zf-list" }, recent.map((r) => h("div", { class: "zf-list-item" },
        icon("signpost-split"), h("span", null, `${formatTime(r.payload?.started_at)} · ${r.payload?.fixes?.length || 0} 个点 · ${statusText(r.status)}`))))) : null,
  );
}

function statusText(status) {
  return { draft: "草稿", queued: "待发送", waiting_files: "待传照片", applied: "已送达", rejected: "被退回", conflict: "有冲突" }[status] || status;
}

function renderRunning(root, go) {
  const figures = {
    time: h("strong", { testid: "patrol-time" }, "0分00秒"),
    distance: h("strong", { testid: "patrol-distance" }, "0 米"),
    fixes: h("strong", { testid: "patrol-fixes" }, "0"),
    gaps: h("strong", { testid: "patrol-gaps" }, "0"),
  };
  const fixLine = h("div", { class: "zf-fixline", testid: "patrol-fix" }, "正在定位…");
  const warn = h("div", { "aria-live": "polite" });
  const wakeBox = h("input", { type: "checkbox", id: "zf-wake", testid: "patrol-wake" });
  const wakeText = h("div", { class: "zf-hint", testid: "patrol-wake-text" });
  const cpInput = h("input", { type: "file", accept: "image/*", capture: "environment", class: "zf-file", testid: "checkpoint-input" });
  const cpButton = h("label", { class: "zf-btn zf-btn-outline zf-btn-block" }, icon("camera"), " 拍照打卡（照片＋当前位置）", cpInput);
  const cpList = h("div", { class: "zf-thumbs", testid: "checkpoints" });
  const cpMessage = h("div", { "aria-live": "polite" });
  const result = choiceField("result", "踏查结果", choices(null, "patrol_result"), { value: "nothing" });
  const note = areaField("note", "情况说明（可不填）");
  const finishMsg = h("div", { "aria-live": "polite" });
  const finishBtn = h("button", { type: "button", class: "zf-btn zf-btn-danger zf-btn-block", testid: "patrol-finish" }, icon("stop-fill"), " 结束踏查并提交");
  const resumed = h("div");
  const urls = [];

  put(root, 
    h("h1", { class: "zf-title" }, "正在踏查"),
    resumed,
    notice(LOCK_WARNING, "warn", "lock-warning"),
    h("div", { class: "zf-figures" },
      h("div", null, h("span", null, "时长"), figures.time),
      h("div", null, h("span", null, "距离"), figures.distance),
      h("div", null, h("span", null, "点数"), figures.fixes),
      h("div", null, h("span", null, "间断"), figures.gaps)),
    fixLine, warn,
    h("div", { class: "zf-switch" }, wakeBox, h("label", { for: "zf-wake" }, "保持屏幕常亮")), wakeText,
    h("section", { class: "zf-section" }, h("h2", null, "打卡"),
      h("p", { class: "zf-hint" }, "到每个地块拍一张照片：照片和当时的位置一起保存，即使轨迹中断也能证明到过现场。"),
      cpButton, cpMessage, cpList),
    h("section", { class: "zf-section" }, h("h2", null, "结束踏查"),
      result.wrap, note.wrap, finishMsg, finishBtn,
      h("a", { class: "zf-btn zf-btn-outline zf-btn-block", href: "#/map" }, icon("map"), " 在地图上查看轨迹")),
  );

  wakeBox.addEventListener("change", () => recorder.setWake(wakeBox.checked));
  cpInput.addEventListener("change", async () => {
    const file = cpInput.files[0];
    cpInput.value = "";
    if (!file) return;
    try {
      const cp = await recorder.addCheckpoint({ blob: file, name: file.name || `checkpoint-${Date.now()}.jpg`, type: file.type || "image/jpeg" });
      cpMessage.replaceChildren(notice(`已打卡：${formatTime(cp.t)}，精度约 ${Math.round(cp.acc)} 米`, "ok"));
    } catch (error) {
      cpMessage.replaceChildren(notice(error.message || String(error), "danger"));
    }
  });
  finishBtn.addEventListener("click", async () => {
    const value = result.get();
    if (!value) { finishMsg.replaceChildren(notice("请选择踏查结果", "danger")); return; }
    finishBtn.disabled = true;
    try {
      const record = await recorder.finish({ result: value, note: note.input.value.trim() });
      if (value === "finding") go(`#/record/finding?patrol_uuid=${encodeURIComponent(record.uuid)}`);
      else go(`#/patrol?done=${encodeURIComponent(record.uuid)}`);
    } catch (error) {
      finishBtn.disabled = false;
      finishMsg.replaceChildren(notice(`未能结束：${error.message || error}`, "danger"));
    }
  });

  const draw = (s) => {
    if (!s) return;
    const started = Date.parse(s.patrol.startedAt);
    figures.time.textContent = formatDuration(Date.now() - started);
    figures.distance.textContent = formatDistance(s.distance);
    figures.fixes.textContent = String(s.fixCount);
    figures.gaps.textContent = `${s.gapCount} 次`;
    root.dataset.fixes = String(s.fixCount);
    root.dataset.gaps = String(s.gapCount);
    root.dataset.patrol = s.patrol.uuid;
    if (s.resumed && !resumed.firstChild) resumed.append(notice("已恢复上次未结束的踏查", "info", "patrol-resumed-here"));
    const fix = s.lastFix;
    const age = fix ? Date.now() - Date.parse(fix.t) : Infinity;
    fixLine.textContent = fix
      ? `最近定位：${formatTime(fix.t)}，精度约 ${Math.round(fix.acc)} 米${s.dropped ? `；已舍弃 ${s.dropped} 个精度差于 ${recorder.MAX_ACC_M} 米的点` : ""}`
      : "正在定位…（请到开阔处）";
    const messages = [];
    if (s.writeError) messages.push(notice(s.writeError, "danger"));
    if (fix && age > recorder.NO_FIX_GAP_MS && document.visibilityState === "visible") {
      messages.push(notice(`已 ${Math.round(age / 1000)} 秒没有收到定位，这段将记为轨迹中断`, "warn"));
    }
    const err = gps.lastFixError();
    if (err && !fix) messages.push(notice(gps.errorText(err), "danger"));
    warn.replaceChildren(...messages);
    wakeBox.checked = s.wake;
    wakeText.textContent = s.wakeText || "";
    if (cpList.childElementCount !== s.checkpoints.length) {
      urls.splice(0).forEach((u) => URL.revokeObjectURL(u));
      cpList.replaceChildren(...s.checkpoints.map((c) => {
        const url = URL.createObjectURL(c.blob);
        urls.push(url);
        return h("figure", { class: "zf-thumb" }, h("img", { src: url, alt: "打卡照片" }),
          h("figcaption", { class: "zf-hash" }, `${formatTime(c.t)} #${c.sha256.slice(0, 8)}`));
      }));
    }
  };
  const off = recorder.onChange(draw);
  const timer = setInterval(() => draw(recorder.current()), 1000);
  return () => { off(); clearInterval(timer); urls.forEach((u) => URL.revokeObjectURL(u)); };
}

export async function render(root, { query, go }) {
  if (recorder.current()) return renderRunning(root, go);
  if (targetsOnly(await loadMe())) {
    put(root, h("h1", { class: "zf-title" }, "踏查"), notice(TARGETS_ONLY_TEXT, "info", "targets-only"),
      h("a", { class: "zf-btn zf-btn-primary zf-btn-block", href: "#/tasks" }, icon("bullseye"), " 查看待核查靶点"));
    return null;
  }
  const done = query.get("done");
  if (done) {
    const record = await getRecord(done);
    if (record) put(root, notice(`踏查已结束并放入待发送（${record.payload?.fixes?.length || 0} 个轨迹点）。联网后会自动发送。`, "ok", "patrol-done"));
  }
  await renderStart(root, go);
  return null;
}
