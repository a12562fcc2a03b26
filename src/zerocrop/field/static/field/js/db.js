/* The field app's local store (IndexedDB through Dexie): records, their photo blobs, patrols
   with their fixes and gaps, and small settings. A record and its blobs are always written in
   one transaction, so the phone never holds a record without its files. */

const Dexie = window.Dexie;

export const SCHEMA = 2;

export const db = new Dexie("zerocrop-field");
db.version(1).stores({
  records: "uuid, kind, status, updatedAt",
  blobs: "sha256",
  patrols: "uuid, status",
  fixes: "++id, patrolUuid",
  gaps: "++id, patrolUuid",
  meta: "key",
});

// Statuses that still need the server (drafts are counted apart: not yet finalised).
export const UNSENT = ["queued", "waiting_files", "rejected", "conflict"];

export function uuid() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") {
    return window.crypto.randomUUID();
  }
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export async function sha256(blob) {
  const buffer = await blob.arrayBuffer();
  const digest = await window.crypto.subtle.digest("SHA-256", buffer);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** ISO 8601 with the phone's offset, e.g. 2022-07-10T09:12:03+08:00 (the protocol's times). */
export function isoLocal(value) {
  const date = value instanceof Date ? value : new Date(value === undefined ? Date.now() : value);
  const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, "0");
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    // Milliseconds: fixes a second apart must not share a time (the track cleaner drops those).
    `.${String(date.getMilliseconds()).padStart(3, "0")}` +
    `${sign}${pad(offset / 60)}:${pad(offset % 60)}`
  );
}

// Hash the photos outside the transaction: an IndexedDB transaction closes when it waits on
// anything that is not IndexedDB (crypto.subtle included).
async function hashPhotos(photos) {
  const hashed = [];
  for (const photo of photos || []) {
    const blob = photo.blob;
    const digest = photo.sha256 || (await sha256(blob));
    hashed.push({
      sha256: digest,
      blob,
      name: photo.name || (blob && blob.name) || `${digest.slice(0, 12)}.jpg`,
      role: photo.role || "photo",
      type: photo.type || (blob && blob.type) || "application/octet-stream",
      size: blob ? blob.size : photo.size,
    });
  }
  return hashed;
}

function fileEntry(photo) {
  return { sha256: photo.sha256, name: photo.name, role: photo.role, size: photo.size, type: photo.type };
}

async function putBlobs(hashed) {
  for (const photo of hashed) {
    if (!photo.blob) continue; // already stored under this hash (kept from an earlier save)
    const existing = await db.blobs.get(photo.sha256);
    if (!existing) {
      await db.blobs.put({
        sha256: photo.sha256,
        blob: photo.blob,
        name: photo.name,
        type: photo.type,
        size: photo.size,
        acked: false,
      });
    }
  }
}

// Blobs no other record lists any more (a photo removed from a draft).
async function dropOrphans(hashes, keepUuid) {
  for (const digest of hashes) {
    const users = await db.records.filter((r) => r.uuid !== keepUuid && (r.files || []).some((f) => f.sha256 === digest)).count();
    if (!users) await db.blobs.delete(digest);
  }
}

/**
 * Save (or overwrite) a draft with its photos, in ONE transaction. `photos` are
 * `[{blob, name, role, type}]`; an entry may instead be `{sha256, name, role, type, size}` for a
 * photo already saved with this draft (its blob is kept).
 */
export async function saveDraft({ uuid: id, kind, payload, photos }) {
  const hashed = await hashPhotos(photos);
  const now = isoLocal();
  return db.transaction("rw", db.records, db.blobs, async () => {
    const old = await db.records.get(id);
    if (old && old.status !== "draft") {
      throw new Error("这条记录已提交，不能再作为草稿修改");
    }
    await putBlobs(hashed);
    const files = hashed.map(fileEntry);
    const record = {
      uuid: id,
      kind,
      schema: SCHEMA,
      createdAt: old ? old.createdAt : now,
      updatedAt: now,
      status: "draft",
      payload,
      files,
      receipt: null,
      error: "",
      errorField: "",
      attempts: 0,
      lastTriedAt: null,
      serverConflict: null,
    };
    await db.records.put(record);
    if (old) {
      const kept = new Set(files.map((f) => f.sha256));
      await dropOrphans((old.files || []).map((f) => f.sha256).filter((h) => !kept.has(h)), id);
    }
    return record;
  });
}

async function requestSync() {
  try {
    const sync = await import("./sync.js");
    sync.syncNow({ userTriggered: false });
  } catch (error) {
    // Queued is safe on its own; the next timer or online event sends it.
    console.warn("sync not started", error);
  }
}

async function checkBlobs(record) {
  for (const file of record.files || []) {
    if (!(await db.blobs.get(file.sha256))) {
      throw new Error(`照片「${file.name}」不在本机存储中，请重新拍摄后再提交`);
    }
  }
}

/** A draft becomes queued (its blobs must all be there), then sync is asked to run. */
export async function finalise(id) {
  const record = await db.transaction("rw", db.records, db.blobs, async () => {
    const found = await db.records.get(id);
    if (!found) throw new Error("找不到这条草稿");
    if (found.status !== "draft") return found;
    await checkBlobs(found);
    found.status = "queued";
    found.updatedAt = isoLocal();
    await db.records.put(found);
    return found;
  });
  requestSync();
  return record;
}

export function getRecord(id) {
  return db.records.get(id);
}

/** Records, oldest first; `status` may be one status or a list. */
export async function listRecords({ status, kind } = {}) {
  let rows = await db.records.toArray();
  if (status) {
    const wanted = Array.isArray(status) ? status : [status];
    rows = rows.filter((r) => wanted.includes(r.status));
  }
  if (kind) rows = rows.filter((r) => r.kind === kind);
  rows.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  return rows;
}

export async function deleteDraft(id) {
  return db.transaction("rw", db.records, db.blobs, async () => {
    const found = await db.records.get(id);
    if (!found) return false;
    if (found.status !== "draft") throw new Error("只能删除草稿，已提交的记录不能删除");
    await db.records.delete(id);
    await dropOrphans((found.files || []).map((f) => f.sha256), id);
    return true;
  });
}

/** One stored photo/file `{sha256, blob, name, type, size, acked}` by its hash, or undefined. */
export function getBlob(digest) {
  return db.blobs.get(digest);
}

/** Blobs of a record with their metadata (for previews and the export bundle). */
export async function recordBlobs(record) {
  const out = [];
  for (const file of record.files || []) {
    const row = await db.blobs.get(file.sha256);
    if (row) out.push(row);
  }
  return out;
}

// ---- patrols -------------------------------------------------------------------------------

export async function patrolStart({ unitId, roundId, people }) {
  const patrol = {
    uuid: uuid(),
    startedAt: isoLocal(),
    status: "recording",
    unitId,
    roundId: roundId || null,
    people: people || [],
    lastFixAt: null,
    fixCount: 0,
  };
  await db.patrols.put(patrol);
  return patrol;
}

export async function patrolActive() {
  const rows = await db.patrols.where("status").equals("recording").toArray();
  rows.sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1));
  return rows[0] || null;
}

/** One write per fix, as it arrives (a crash loses at most the fix being written). */
export async function patrolAppendFix(patrolUuid, { lon, lat, acc, t }) {
  const time = isoLocal(t === undefined ? Date.now() : t);
  return db.transaction("rw", db.fixes, db.patrols, async () => {
    await db.fixes.add({ patrolUuid, lon, lat, acc: acc ?? null, t: time });
    await db.patrols
      .where("uuid")
      .equals(patrolUuid)
      .modify((p) => {
        p.lastFixAt = time;
        p.fixCount = (p.fixCount || 0) + 1;
      });
  });
}

export async function patrolAddGap(patrolUuid, { from, to, reason }) {
  return db.gaps.add({ patrolUuid, from: isoLocal(from), to: isoLocal(to), reason: reason || "hidden" });
}

export async function patrolFixes(patrolUuid) {
  const rows = await db.fixes.where("patrolUuid").equals(patrolUuid).sortBy("id");
  return rows;
}

export async function patrolGaps(patrolUuid) {
  return db.gaps.where("patrolUuid").equals(patrolUuid).sortBy("id");
}

/**
 * End a patrol: its payload (docs/field-sync.md "patrol") is built from the stored fixes and
 * gaps, and the record with its checkpoint photos is saved and queued in one transaction.
 * `checkpoints` are `[{lon, lat, acc, t, photo: <sha256>, note}]`; `photos` are
 * `[{blob, name, role, type}]` (each checkpoint's photo among them).
 */
export async function patrolFinish(patrolUuid, { result, note, checkpoints, photos, endedAt }) {
  const hashed = await hashPhotos(photos);
  const record = await db.transaction(
    "rw",
    [db.records, db.blobs, db.patrols, db.fixes, db.gaps],
    async () => {
      const patrol = await db.patrols.get(patrolUuid);
      if (!patrol) throw new Error("找不到这次踏查");
      const existing = await db.records.get(patrolUuid);
      if (existing) return existing; // finished already (a double tap)
      const fixes = await db.fixes.where("patrolUuid").equals(patrolUuid).sortBy("id");
      const gaps = await db.gaps.where("patrolUuid").equals(patrolUuid).sortBy("id");
      const now = isoLocal();
      const payload = {
        unit_id: patrol.unitId,
        round_id: patrol.roundId || null,
        people: patrol.people || [],
        started_at: patrol.startedAt,
        ended_at: endedAt ? isoLocal(endedAt) : now,
        result: result || "nothing",
        note: note || "",
        fixes: fixes.map((f) => ({ lon: f.lon, lat: f.lat, acc: f.acc, t: f.t })),
        gaps: gaps.map((g) => ({ from: g.from, to: g.to, reason: g.reason })),
        checkpoints: (checkpoints || []).map((c) => ({
          lon: c.lon,
          lat: c.lat,
          acc: c.acc ?? null,
          t: isoLocal(c.t),
          photo: c.photo || null,
          note: c.note || "",
        })),
      };
      await putBlobs(hashed);
      const files = hashed.map((p) => ({ ...fileEntry(p), role: "photo" }));
      const row = {
        uuid: patrolUuid,
        kind: "patrol",
        schema: SCHEMA,
        createdAt: patrol.startedAt,
        updatedAt: now,
        status: "queued",
        payload,
        files,
        receipt: null,
        error: "",
        errorField: "",
        attempts: 0,
        lastTriedAt: null,
        serverConflict: null,
      };
      await db.records.put(row);
      patrol.status = "ended";
      await db.patrols.put(patrol);
      return row;
    },
  );
  requestSync();
  return record;
}

// ---- meta ----------------------------------------------------------------------------------

export async function getMeta(key) {
  const row = await db.meta.get(key);
  return row ? row.value : undefined;
}

export function setMeta(key, value) {
  return db.meta.put({ key, value });
}

/** What the phone still owes the server. */
export async function unsentSummary() {
  const rows = await db.records.toArray();
  let count = 0;
  let drafts = 0;
  let failed = 0;
  let conflicts = 0;
  let oldestAt = null;
  for (const r of rows) {
    if (r.status === "draft") {
      drafts += 1;
      continue;
    }
    if (r.status === "applied") continue;
    count += 1;
    if (r.status === "rejected") failed += 1;
    if (r.status === "conflict") conflicts += 1;
    if (!oldestAt || r.createdAt < oldestAt) oldestAt = r.createdAt;
  }
  const files = await db.blobs.filter((b) => !b.acked).count();
  const active = await patrolActive();
  return {
    count,
    drafts,
    failed,
    conflicts,
    files,
    oldestAt,
    patrolActive: Boolean(active),
    lastSyncAt: (await getMeta("lastSyncAt")) || null,
  };
}
