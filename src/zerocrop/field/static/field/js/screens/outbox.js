/* #/outbox — 待发送: what waits, what the server acknowledged (its receipt), what failed and
   why, conflicts to decide; the oldest unsent item's age and the last successful sync. */

import { downloadBundle, PatrolRunning } from "../bundle.js";
import { getMeta, listRecords, unsentSummary } from "../db.js";
import { onSyncState, resendRejected, resolveConflict, syncNow } from "../sync.js";
import { ago, bytes, clear, el, KIND_LABELS, STATUS_LABELS, when } from "../ui.js";

const STATE_LABELS = {
  offline: "离线",
  online: "在线",
  sending: "正在同步",
  paused_auth: "已暂停（需要重新配对）",
  error: "发送失败，稍后重试",
};

function recordTitle(record) {
  const p = record.payload || {};
  const bits = [KIND_LABELS[record.kind] || record.kind];
  if (record.kind === "finding" && p.plant_count) bits.push(`${p.plant_count} 株`);
  if (record.kind === "patrol" && p.fixes) bits.push(`${p.fixes.length} 个轨迹点`);
  if (record.kind === "eradication" && p.plants_destroyed) bits.push(`${p.plants_destroyed} 株`);
  return bits.join(" · ");
}

function fileLine(record) {
  const files = record.files || [];
  if (!files.length) return null;
  const size = files.reduce((sum, f) => sum + (f.size || 0), 0);
  const receiptFiles = (record.receipt && record.receipt.files) || [];
  const done = receiptFiles.filter((f) => f.complete).length;
  const text = record.receipt
    ? `照片/文件 ${files.length} 个（${bytes(size)}），服务器已收齐 ${done} 个`
    : `照片/文件 ${files.length} 个（${bytes(size)}）`;
  return el("div", { class: "small text-secondary" }, text);
}

function pendingItem(record) {
  const waitingFor = (record.receipt && record.receipt.waiting_for) || [];
  return el(
    "li",
    { class: "list-group-item py-3", testid: "outbox-pending", dataset: { uuid: record.uuid } },
    el("div", { class: "fw-semibold" }, recordTitle(record)),
    el(
      "div",
      { class: "small" },
      `${STATUS_LABELS[record.status]} · 记录于 ${when(record.createdAt)}（${ago(record.createdAt)}）`,
    ),
    fileLine(record),
    waitingFor.length ? el("div", { class: "small text-secondary" }, "等待它所依附的记录先送达") : null,
    record.attempts ? el("div", { class: "small text-secondary" }, `已尝试 ${record.attempts} 次，最近 ${when(record.lastTriedAt)}`) : null,
  );
}

function failedItem(record) {
  return el(
    "li",
    { class: "list-group-item py-3", testid: "outbox-failed", dataset: { uuid: record.uuid } },
    el("div", { class: "fw-semibold" }, recordTitle(record)),
    el("div", { class: "text-danger", testid: "outbox-error" }, `原因：${record.error || "服务器拒绝了这条记录"}`),
    el("div", { class: "small text-secondary" }, `记录于 ${when(record.createdAt)}`),
    el(
      "div",
      { class: "d-flex gap-2 mt-2 flex-wrap" },
      el("a", { class: "btn btn-outline-primary btn-lg", href: `#/record/${record.kind}/${record.uuid}` }, "查看并修改"),
      el(
        "button",
        { type: "button", class: "btn btn-primary btn-lg", onclick: () => resendRejected(record.uuid) },
        "重新发送",
      ),
    ),
  );
}

const FIELD_LABELS = {
  species: ["品种", "species"],
  plant_count: ["株数"],
  area_m2: ["面积（平方米）"],
  stage: ["生长期", "stage"],
  setting: ["环境", "setting"],
  place: ["地点"],
  result: ["结果"],
  note: ["备注"],
};

// "品种：罂粟，株数：12" — values coded by a choice are shown by their Chinese label.
function summaryOf(payload, choices) {
  if (!payload) return "—";
  const parts = [];
  for (const [key, [label, choiceKey]] of Object.entries(FIELD_LABELS)) {
    const value = payload[key];
    if (value === undefined || value === null || value === "") continue;
    const pairs = (choiceKey && choices && choices[choiceKey]) || [];
    const shown = (pairs.find((pair) => pair[0] === value) || [value, value])[1];
    parts.push(`${label}：${shown}`);
  }
  return parts.join("，") || "—";
}

// The server showed no version of its own (the UUID is another user's): there is nothing to
// keep and nothing to base an edit on, so the only choice is to send this one as a new record.
function unknownConflictItem(record, choose, choices) {
  return el(
    "li",
    { class: "list-group-item py-3", testid: "outbox-conflict", dataset: { uuid: record.uuid } },
    el("div", { class: "fw-semibold" }, recordTitle(record)),
    el("div", { class: "text-warning-emphasis" }, record.error || "服务器上已有同一编号的另一条记录"),
    el(
      "div",
      { class: "small mt-1", testid: "conflict-unknown" },
      "服务器没有给出它的那一份（可能属于其他人员）。本机的记录仍完整保存，不会自动重发；请选择作为新记录发送，或导出离线数据包交给办公室处理。",
    ),
    el("div", { class: "small" }, `本机的：${summaryOf(record.payload, choices)}`),
    el(
      "div",
      { class: "d-flex gap-2 mt-2 flex-wrap" },
      el(
        "button",
        { type: "button", class: "btn btn-primary btn-lg", testid: "conflict-send-new", onclick: () => choose("new") },
        "作为新记录发送",
      ),
    ),
  );
}

function conflictItem(record, rerender, choices) {
  const server = record.serverConflict || {};
  const choose = async (choice) => {
    await resolveConflict(record.uuid, choice);
    rerender();
  };
  if (!record.serverConflict) return unknownConflictItem(record, choose, choices);
  return el(
    "li",
    { class: "list-group-item py-3", testid: "outbox-conflict", dataset: { uuid: record.uuid } },
    el("div", { class: "fw-semibold" }, recordTitle(record)),
    el("div", { class: "text-warning-emphasis" }, record.error || "服务器上的这条记录与本机的不一致"),
    el("div", { class: "small mt-1" }, `本机的：${summaryOf(record.payload, choices)}`),
    el("div", { class: "small" }, `服务器的：${summaryOf(server.payload, choices)}`),
    el(
      "div",
      { class: "d-flex gap-2 mt-2 flex-wrap" },
      el(
        "button",
        { type: "button", class: "btn btn-outline-secondary btn-lg", testid: "conflict-keep-server", onclick: () => choose("server") },
        "保留服务器的",
      ),
      el(
        "button",
        { type: "button", class: "btn btn-primary btn-lg", testid: "conflict-keep-mine", onclick: () => choose("mine") },
        "保留我的并重新发送",
      ),
    ),
  );
}

function receiptItem(record) {
  const r = record.receipt || {};
  const object = r.object || null;
  return el(
    "li",
    { class: "list-group-item py-3", testid: "outbox-applied", dataset: { uuid: record.uuid } },
    el("div", { class: "fw-semibold" }, recordTitle(record)),
    el(
      "div",
      { class: "small" },
      `服务器回执：${r.status_label || "已入库"}${object && object.label ? ` · ${object.label}` : ""}`,
    ),
    el("div", { class: "small text-secondary" }, `送达 ${when(r.received_at)}，入库 ${when(r.applied_at)}`),
    record.resolvedAs === "server" ? el("div", { class: "small text-secondary" }, "冲突时保留了服务器的版本") : null,
  );
}

// A recording patrol's fixes are not a record yet: the bundle would leave them out.
function patrolFirst() {
  return el(
    "div",
    { class: "alert alert-warning mb-0", role: "alert", testid: "outbox-export-patrol" },
    el("div", { class: "mb-2" }, "有一次踏查正在记录，它的轨迹还没有保存为记录，导出的数据包里不会有它。请先结束踏查，再导出。"),
    el("a", { class: "btn btn-warning btn-lg", href: "#/patrol", testid: "outbox-export-finish-patrol" }, "去结束踏查"),
  );
}

function section(title, testid, items, empty) {
  return el(
    "section",
    { class: "mb-4", testid },
    el("h2", { class: "h6 px-3 pt-2" }, `${title}（${items.length}）`),
    items.length
      ? el("ul", { class: "list-group list-group-flush" }, items)
      : el("p", { class: "px-3 text-secondary small" }, empty),
  );
}

export function render(root) {
  let syncInfo = {};
  let busy = false;
  const box = el("div", { class: "field-outbox pb-5" });
  clear(root);
  root.append(box);

  async function draw() {
    if (busy) return;
    busy = true;
    try {
      const [summary, rows, tasks] = await Promise.all([unsentSummary(), listRecords(), getMeta("tasks")]);
      const choices = (tasks && tasks.choices) || {};
      const pending = rows.filter((r) => r.status === "queued" || r.status === "waiting_files");
      const failed = rows.filter((r) => r.status === "rejected");
      const conflicts = rows.filter((r) => r.status === "conflict");
      const applied = rows.filter((r) => r.status === "applied").reverse();
      const status = el(
        "div",
        { class: "px-3 pt-3" },
        el("h1", { class: "h5" }, "待发送"),
        el(
          "p",
          { class: "mb-1", testid: "outbox-summary" },
          summary.count ? `还有 ${summary.count} 条记录未送达服务器` : "全部记录均已送达服务器",
          summary.drafts ? `，另有 ${summary.drafts} 份草稿未提交` : "",
        ),
        summary.oldestAt
          ? el("p", { class: "mb-1", testid: "outbox-oldest" }, `最早一条已等待 ${ago(summary.oldestAt).replace("前", "")}`)
          : null,
        summary.patrolActive
          ? el("p", { class: "mb-1 text-warning-emphasis", testid: "outbox-patrol-running" }, "有一次踏查正在记录：轨迹在结束踏查后才成为记录并发送，请先结束踏查再导出数据包。")
          : null,
        el("p", { class: "mb-1", testid: "outbox-last-sync" }, `上次成功同步：${summary.lastSyncAt ? `${when(summary.lastSyncAt)}（${ago(summary.lastSyncAt)}）` : "从未"}`),
        el(
          "p",
          { class: "mb-2 small text-secondary", testid: "outbox-state" },
          `${STATE_LABELS[syncInfo.state] || "—"}${syncInfo.message ? `：${syncInfo.message}` : ""}`,
        ),
        el(
          "div",
          { class: "d-flex gap-2 flex-wrap mb-3" },
          el(
            "button",
            {
              type: "button",
              class: "btn btn-primary btn-lg",
              testid: "outbox-sync",
              disabled: syncInfo.state === "sending",
              onclick: () => syncNow({ userTriggered: true }),
            },
            el("i", { class: "bi bi-arrow-repeat me-1", "aria-hidden": "true" }),
            "立即同步",
          ),
          el(
            "button",
            {
              type: "button",
              class: "btn btn-outline-secondary btn-lg",
              testid: "outbox-export",
              onclick: async (event) => {
                const button = event.currentTarget;
                button.disabled = true;
                try {
                  const bundle = await downloadBundle();
                  const drafts = summary.drafts ? `（${summary.drafts} 份未提交的草稿不在其中）` : "";
                  clear(note);
                  note.textContent = `已导出 ${bundle.records} 条记录、${bundle.files} 个文件${drafts}：${bundle.name}。请把这个文件交给办公室在「外业数据包导入」中导入。`;
                } catch (error) {
                  clear(note);
                  if (error instanceof PatrolRunning) {
                    note.append(patrolFirst());
                  } else {
                    note.textContent = "导出失败：本机存储读取出错，请重试";
                    console.error(error);
                  }
                } finally {
                  button.disabled = false;
                }
              },
            },
            el("i", { class: "bi bi-file-earmark-zip me-1", "aria-hidden": "true" }),
            "导出离线数据包",
          ),
        ),
      );
      const note = el("p", { class: "px-3 small", testid: "outbox-export-note" });
      clear(box);
      box.append(
        status,
        note,
        section("冲突（请选择保留哪一份）", "outbox-conflicts", conflicts.map((r) => conflictItem(r, draw, choices)), "没有冲突"),
        section("失败及原因", "outbox-failures", failed.map(failedItem), "没有失败的记录"),
        section("待发送", "outbox-queue", pending.map(pendingItem), "没有等待发送的记录"),
        section("已送达（服务器回执）", "outbox-receipts", applied.slice(0, 50).map(receiptItem), "还没有送达的记录"),
      );
    } finally {
      busy = false;
    }
  }

  const unsubscribe = onSyncState((s) => {
    syncInfo = s;
    draw();
  });
  const tick = setInterval(draw, 10_000);
  return () => {
    unsubscribe();
    clearInterval(tick);
  };
}
