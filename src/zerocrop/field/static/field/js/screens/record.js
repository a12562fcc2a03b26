/* 记录: new records and the drafts to resume; a form autosaves as a draft on every change and is
   queued only by 「完成并提交」. */
import * as db from "../db.js";
import { formatTime, h, put, icon, notice, showErrors } from "../forms.js";
import { photosOf } from "../photos.js";
import { FORMS, TITLES } from "./record_kinds.js";
import { choices, labelOf, loadMe, loadPackage, targetsOnly, TARGETS_ONLY_TEXT } from "./tasks_package.js";

function summary(record, pkg) {
  const p = record.payload || {};
  if (record.kind === "finding") return `${labelOf(choices(pkg, "species"), p.species)} ${p.plant_count ?? "?"} 株 ${p.place || ""}`;
  if (record.kind === "eradication") return `铲除 ${p.plants_destroyed ?? "?"} 株`;
  if (record.kind === "target_verification") return `${labelOf(choices(pkg, "verify_result"), p.result) || "未选结论"}`;
  return "";
}

async function renderList(root, go) {
  const [pkg, me] = await Promise.all([loadPackage(), loadMe()]);
  const police = targetsOnly(me);
  const drafts = (await db.listRecords({ status: "draft" })).filter((r) => r.kind !== "patrol").reverse();
  const list = h("div", { class: "zf-list", testid: "draft-list" });
  for (const r of drafts) {
    const del = h("button", { type: "button", class: "zf-btn zf-btn-outline zf-btn-small", "aria-label": "删除草稿" }, icon("trash"));
    del.addEventListener("click", async () => {
      if (!window.confirm("删除这份草稿？删除后无法恢复。")) return;
      await db.deleteDraft(r.uuid);
      go("#/record");
    });
    list.append(h("div", { class: "zf-list-row", testid: "draft-row" },
      h("a", { class: "zf-list-item", href: `#/record/${r.kind}/${r.uuid}` }, icon("pencil"),
        h("span", null, h("strong", null, TITLES[r.kind] || r.kind), " ", summary(r, pkg), h("small", null, ` 保存于 ${formatTime(r.updatedAt)}`))),
      del));
  }
  put(root, 
    h("h1", { class: "zf-title" }, "记录"),
    police ? notice(TARGETS_ONLY_TEXT, "info", "targets-only") : null,
    h("div", { class: "zf-grid" },
      police ? null : h("a", { class: "zf-btn zf-btn-primary zf-btn-big", href: "#/record/finding", testid: "new-finding" }, icon("flower1"), " 发现种植"),
      police ? null : h("a", { class: "zf-btn zf-btn-primary zf-btn-big", href: "#/record/eradication", testid: "new-eradication" }, icon("scissors"), " 登记铲除"),
      police ? null : h("a", { class: "zf-btn zf-btn-outline zf-btn-big", href: "#/patrol" }, icon("signpost-split"), " 踏查（未发现/疑似）"),
      h("a", { class: `zf-btn ${police ? "zf-btn-primary" : "zf-btn-outline"} zf-btn-big`, href: "#/tasks" }, icon("bullseye"), " 核查靶点（从任务进入）")),
    h("section", { class: "zf-section" }, h("h2", null, `草稿（${drafts.length}）`),
      drafts.length ? list : h("p", { class: "zf-empty" }, "没有未完成的草稿。填写中的记录会自动保存在这里。")),
  );
}

async function renderForm(root, { args, query, go }) {
  const kind = args[0];
  const build = FORMS[kind];
  if (!build) {
    put(root, notice("没有这种记录。", "danger"), h("a", { class: "zf-btn", href: "#/record" }, "返回"));
    return null;
  }
  let id = args[1] || null;
  const existing = id ? await db.getRecord(id) : null;
  // A record the server refused can be corrected and sent again (an edit of its receipt).
  const rejected = existing?.status === "rejected";
  if (existing && existing.status !== "draft" && !rejected) {
    put(root, h("h1", { class: "zf-title" }, TITLES[kind]), notice("这条记录已提交，不能再修改；发送情况请看「待发送」。", "info"),
      h("a", { class: "zf-btn zf-btn-outline", href: "#/outbox" }, "查看待发送"));
    return null;
  }
  const [pkg, me, photos] = await Promise.all([loadPackage(), loadMe(), existing ? photosOf(existing) : []]);
  if (targetsOnly(me) && kind !== "target_verification") {
    put(root, h("h1", { class: "zf-title" }, TITLES[kind]), notice(TARGETS_ONLY_TEXT, "info", "targets-only"),
      h("a", { class: "zf-btn zf-btn-outline", href: "#/tasks" }, "查看待核查靶点"));
    return null;
  }
  const localFindings = kind === "eradication" ? (await db.listRecords({ kind: "finding" })).filter((r) => r.status !== "draft") : [];
  const status = rejected
    ? notice(`服务器退回了这条记录：${existing.error || "原因未说明"}。请更正后点「更正并重新发送」；照片在这里不能增删。`, "danger", "record-rejected")
    : h("div", { class: "zf-savestate", testid: "draft-state", "aria-live": "polite" }, existing ? `草稿保存于 ${formatTime(existing.updatedAt)}` : "填写后自动保存为草稿");
  const form = h("form", { class: "zf-form", novalidate: true, testid: `form-${kind}` });

  // Saves run one after another; a change during a save triggers one more save after it.
  let saving = null;
  let again = false;
  let spec = null;
  const save = async () => {
    if (!spec || rejected) return null;
    if (saving) { again = true; return saving; }
    saving = (async () => {
      do {
        again = false;
        id = id || db.uuid();
        const record = await db.saveDraft({ uuid: id, kind, payload: spec.payload(), photos: spec.photos() });
        root.dataset.uuid = id;
        status.textContent = `草稿已自动保存 ${formatTime(record.updatedAt)}`;
        if (!args[1]) {
          args[1] = id; // a reload now resumes this draft
          const q = query.toString();
          history.replaceState(null, "", `#/record/${kind}/${id}${q ? `?${q}` : ""}`);
        }
      } while (again);
    })().catch((error) => {
      status.textContent = `草稿保存失败：${error.message || error}`;
    }).finally(() => { saving = null; });
    return saving;
  };
  const changed = () => { save(); };
  spec = build({ pkg, me: me || {}, payload: existing?.payload || {}, photos, changed, query, localFindings });
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);

  const message = h("div", { "aria-live": "polite" });
  const submit = h("button", { type: "submit", class: "zf-btn zf-btn-primary zf-btn-block", testid: "record-submit" }, icon("check2-circle"), rejected ? " 更正并重新发送" : " 完成并提交");
  put(form, ...spec.fields, message, submit);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const payload = spec.payload();
    const errors = spec.validate(payload, spec.photos());
    const first = showErrors(form, errors);
    if (first) {
      message.replaceChildren(notice(`还有 ${Object.keys(errors).length} 处需要填写或更正（见红字）`, "danger", "record-errors"));
      first.scrollIntoView({ block: "center" });
      return;
    }
    if (rejected) {
      const sent = existing.files.map((f) => f.sha256).sort().join();
      if (spec.photos().map((p) => p.sha256).sort().join() !== sent) {
        message.replaceChildren(notice("退回的记录在这里只能更正填写的内容，照片不能增删；需要换照片时请在网页版重新登记。", "danger", "record-errors"));
        return;
      }
      submit.disabled = true;
      try {
        const { resendRejected } = await import("../sync.js");
        await resendRejected(id, { payload });
        go("#/outbox");
      } catch (error) {
        submit.disabled = false;
        message.replaceChildren(notice(`未能重新发送：${error.message || error}`, "danger"));
      }
      return;
    }
    submit.disabled = true;
    try {
      await save();
      if (saving) await saving;
      await db.finalise(id);
      const done = `#/record/${kind}/${id}?done=1`;
      go(done);
    } catch (error) {
      submit.disabled = false;
      message.replaceChildren(notice(`未能提交：${error.message || error}`, "danger"));
    }
  });
  put(root, h("div", { class: "zf-screen-head" },
    h("a", { class: "zf-back", href: "#/record", "aria-label": "返回" }, icon("chevron-left"), "记录"),
    h("h1", { class: "zf-title" }, TITLES[kind])), status, form);
  return () => spec.cleanup();
}

function renderDone(root, record) {
  const next = record.kind === "finding"
    ? h("a", { class: "zf-btn zf-btn-primary zf-btn-block", href: `#/record/eradication?finding_uuid=${encodeURIComponent(record.uuid)}`, testid: "then-eradicate" }, icon("scissors"), " 接着登记铲除")
    : null;
  put(root, h("h1", { class: "zf-title" }, TITLES[record.kind]),
    notice(`已完成并放入待发送（${record.files.length} 张照片）。联网后自动发送，发送情况看「待发送」。`, "ok", "record-done"),
    next,
    h("a", { class: "zf-btn zf-btn-outline zf-btn-block", href: "#/outbox" }, icon("cloud-upload"), " 查看待发送"),
    h("a", { class: "zf-btn zf-btn-outline zf-btn-block", href: "#/record" }, "返回记录"));
}

export async function render(root, params) {
  const { args, query, go } = params;
  if (!args.length) return renderList(root, go);
  if (query.get("done") && args[1]) {
    const record = await db.getRecord(args[1]);
    if (record && record.status !== "draft") { renderDone(root, record); return null; }
  }
  return renderForm(root, params);
}
