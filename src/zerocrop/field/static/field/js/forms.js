/* DOM building for the screens (text only, never HTML) and the form fields they share. */

/* h("a", {href, class, dataset, testid, on: {click}}, "text", node…): the one DOM builder. */
import { el as h } from "./ui.js";

export { h };

/* node.append without the null/false placeholders of optional parts. */
export function put(node, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child);
  }
  return node;
}

export function icon(name) {
  return h("i", { class: `bi bi-${name}`, "aria-hidden": "true" });
}

/* A page header inside the screen: title and an optional back link. */
export function header(title, back) {
  return h("div", { class: "zf-screen-head" },
    back ? h("a", { class: "zf-back", href: back, "aria-label": "返回" }, icon("chevron-left"), "返回") : null,
    h("h1", { class: "zf-title" }, title));
}

export function notice(text, kind = "info", testid) {
  return h("div", { class: `zf-notice zf-notice-${kind}`, role: kind === "danger" ? "alert" : "status", testid }, text);
}

let fieldSeq = 0;
const nextId = (name) => `zf-${name}-${++fieldSeq}`;

/* A labelled control wrapped in .zf-field; returns {wrap, input, error}. */
function wrapField(name, label, control, hint) {
  const error = h("div", { class: "zf-field-error", "aria-live": "polite" });
  const wrap = h("div", { class: "zf-field", dataset: { field: name } },
    h("label", { class: "zf-label", for: control.id }, label),
    control,
    hint ? h("div", { class: "zf-hint" }, hint) : null,
    error);
  return { wrap, input: control, error };
}

export function selectField(name, label, pairs, { value = "", blank = "请选择", hint } = {}) {
  const select = h("select", { id: nextId(name), name, class: "zf-input" },
    blank !== null ? h("option", { value: "" }, blank) : null,
    pairs.map(([v, l]) => h("option", { value: v }, l)));
  select.value = value ?? "";
  return wrapField(name, label, select, hint);
}

export function textField(name, label, { value = "", type = "text", hint, placeholder, step, min, max, inputmode } = {}) {
  const input = h("input", { id: nextId(name), name, type, class: "zf-input", placeholder, step, min, max, inputmode });
  input.value = value ?? "";
  return wrapField(name, label, input, hint);
}

export function areaField(name, label, { value = "", hint, placeholder } = {}) {
  const input = h("textarea", { id: nextId(name), name, class: "zf-input", rows: 3, placeholder });
  input.value = value ?? "";
  return wrapField(name, label, input, hint);
}

/* Big radio buttons in a row (result choices); returns {wrap, get, set, error}. */
export function choiceField(name, label, pairs, { value = "", hint } = {}) {
  const error = h("div", { class: "zf-field-error", "aria-live": "polite" });
  const group = h("div", { class: "zf-choices", role: "radiogroup" });
  for (const [v, l] of pairs) {
    const id = nextId(name);
    const radio = h("input", { type: "radio", name, id, value: v, class: "zf-choice-input" });
    radio.checked = v === value;
    group.append(h("div", { class: "zf-choice" }, radio, h("label", { for: id }, l)));
  }
  const wrap = h("fieldset", { class: "zf-field", dataset: { field: name } },
    h("legend", { class: "zf-label" }, label), group, hint ? h("div", { class: "zf-hint" }, hint) : null, error);
  return {
    wrap, error,
    get: () => group.querySelector("input:checked")?.value || "",
    set: (v) => group.querySelectorAll("input").forEach((r) => { r.checked = r.value === v; }),
  };
}

/* People as large checkboxes; returns {wrap, get, set, error}. */
export function peopleField(name, label, people, { value = [], hint } = {}) {
  const error = h("div", { class: "zf-field-error", "aria-live": "polite" });
  const list = h("div", { class: "zf-people" });
  for (const person of people) {
    const id = nextId(name);
    const box = h("input", { type: "checkbox", id, value: String(person.id), name });
    box.checked = value.map(String).includes(String(person.id));
    list.append(h("div", { class: "zf-person" }, box, h("label", { for: id }, person.name)));
  }
  if (!people.length) list.append(h("div", { class: "zf-hint" }, "没有可选的人员（联网同步一次后会出现本单位人员）"));
  const wrap = h("fieldset", { class: "zf-field", dataset: { field: name } },
    h("legend", { class: "zf-label" }, label), list, hint ? h("div", { class: "zf-hint" }, hint) : null, error);
  return {
    wrap, error,
    get: () => [...list.querySelectorAll("input:checked")].map((b) => b.value),
    set: (ids) => list.querySelectorAll("input").forEach((b) => { b.checked = ids.map(String).includes(b.value); }),
  };
}

/* Show {field: message} on the fields of a form; returns the first field's element. */
export function showErrors(form, errors) {
  form.querySelectorAll(".zf-field-error").forEach((e) => { e.textContent = ""; });
  form.querySelectorAll(".zf-field.is-invalid").forEach((e) => e.classList.remove("is-invalid"));
  let first = null;
  for (const [field, message] of Object.entries(errors)) {
    const wrap = form.querySelector(`.zf-field[data-field="${field}"]`);
    if (!wrap) continue;
    wrap.classList.add("is-invalid");
    wrap.querySelector(".zf-field-error").textContent = message;
    first = first || wrap;
  }
  return first;
}

export function numberOrNull(text) {
  const s = String(text ?? "").trim();
  if (!s) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : NaN;
}

/* ISO 8601 with the phone's offset, e.g. 2022-07-10T09:12:03+08:00. */
export function isoNow(date = new Date()) {
  const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, "0");
  const off = -date.getTimezoneOffset();
  const sign = off >= 0 ? "+" : "-";
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:`
    + `${pad(date.getMinutes())}:${pad(date.getSeconds())}${sign}${pad(off / 60)}:${pad(off % 60)}`;
}

export function formatTime(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "—";
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getMonth() + 1}月${d.getDate()}日 ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function formatDuration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  return hh ? `${hh}小时${String(mm).padStart(2, "0")}分` : `${mm}分${String(ss).padStart(2, "0")}秒`;
}
