/* Camera inputs: each photo is hashed (SHA-256) the moment it is taken and shown with its short hash. */
import * as db from "./db.js";
import { h, icon } from "./forms.js";

/* A photo's bytes stored by db.js, for a draft being resumed. */
export async function loadBlob(sha256) {
  if (typeof db.getBlob === "function") return (await db.getBlob(sha256))?.blob || null;
  const dexie = db.db || db.default;
  const row = dexie ? await dexie.blobs.get(sha256) : null;
  return row ? row.blob : null;
}

/* The photos of a stored record, as picker items ({blob, name, role, type, sha256}). */
export async function photosOf(record) {
  const items = [];
  for (const file of record?.files || []) {
    const blob = await loadBlob(file.sha256);
    if (blob) items.push({ blob, name: file.name, role: file.role, type: file.type || blob.type, sha256: file.sha256 });
  }
  return items;
}

let picked = 0;
function photoName(file) {
  if (file.name && file.name !== "image.jpg") return file.name;
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  picked += 1;
  return `IMG_${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}_${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}_${picked}.jpg`;
}

/* A picker for one role: {wrap, items(), error}. `onChange` runs after every add/remove. */
export function photoPicker({ role, label, hint, items = [], onChange, testid, max = 12 }) {
  let list = items.filter((p) => p.role === role);
  const thumbs = h("div", { class: "zf-thumbs" });
  const error = h("div", { class: "zf-field-error", "aria-live": "polite" });
  const input = h("input", { type: "file", accept: "image/*", capture: "environment", multiple: true, class: "zf-file", testid: testid ? `${testid}-input` : null });
  const urls = [];

  function draw() {
    urls.splice(0).forEach((u) => URL.revokeObjectURL(u));
    thumbs.replaceChildren(...list.map((p, i) => {
      const url = URL.createObjectURL(p.blob);
      urls.push(url);
      return h("figure", { class: "zf-thumb", testid: "photo-thumb" },
        h("img", { src: url, alt: p.name }),
        h("figcaption", { class: "zf-hash", title: `SHA-256 ${p.sha256}` }, `#${p.sha256.slice(0, 8)}`),
        h("button", { type: "button", class: "zf-thumb-remove", "aria-label": "删除这张照片", on: { click: () => { list.splice(i, 1); draw(); onChange?.(); } } }, icon("x-lg")));
    }));
  }

  input.addEventListener("change", async () => {
    const files = [...input.files];
    input.value = "";
    for (const file of files) {
      if (list.length >= max) { error.textContent = `最多 ${max} 张`; break; }
      if (file.type && !file.type.startsWith("image/")) { error.textContent = `「${file.name}」不是照片`; continue; }
      const sha256 = await db.sha256(file);
      if (list.some((p) => p.sha256 === sha256)) { error.textContent = "这张照片已经添加过了"; continue; }
      error.textContent = "";
      list.push({ blob: file, name: photoName(file), role, type: file.type || "image/jpeg", sha256 });
    }
    draw();
    onChange?.();
  });

  const button = h("label", { class: "zf-btn zf-btn-outline zf-photo-btn" }, icon("camera"), ` 拍照：${label}`, input);
  const wrap = h("div", { class: "zf-field zf-photos", dataset: { field: `photos_${role}` }, testid },
    button, hint ? h("div", { class: "zf-hint" }, hint) : null, thumbs, error);
  draw();
  return { wrap, error, items: () => list.slice(), cleanup: () => urls.forEach((u) => URL.revokeObjectURL(u)) };
}
