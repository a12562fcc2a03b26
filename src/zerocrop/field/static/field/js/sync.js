/* The sync engine (docs/field-sync.md): records oldest first, one at a time; each record's
   files one at a time in chunks of the size the server announces, resuming from the server's
   offset; a 401 pauses the queue and never drops it; backoff 1 s doubling to 5 min. Blobs are
   deleted only when the server's receipt says applied with no missing file. */

import { db, getMeta, isoLocal, setMeta, UNSENT, uuid as newUuid } from "./db.js";

const API = "/api/v1";
const PING_OK = "zerocrop-sync-ok";
const BACKOFF_FIRST_S = 1;
const BACKOFF_MAX_S = 300;
const IDLE_PERIOD_S = 60; // the timer: try again this often while something waits
const QUIET_PERIOD_S = 300; // and refresh the task package this often otherwise
const DEFAULT_CHUNK = 1024 * 1024;
// A dead connection (signal gone mid-request) must never wedge the queue: every call ends.
const PROBE_TIMEOUT_MS = 8_000;
const CALL_TIMEOUT_MS = 30_000;
const CHUNK_TIMEOUT_MS = 180_000; // 1 MB at 2G speed

const state = {
  state: "offline",
  pending: 0,
  lastSyncAt: null,
  nextTryAt: null,
  retryInS: null,
  message: "",
};
const listeners = new Set();
let running = null;
let again = false;
let timer = null;
let failures = 0;
let started = false;
let chunkBytes = DEFAULT_CHUNK;

class AuthPause extends Error {}
class Retry extends Error {}
// The server's final word on a record (a 413, a 4xx the protocol does not retry): resending
// the same bytes cannot help, so the record is shown as failed with the server's message.
class Final extends Error {
  constructor(message, field = "") {
    super(message);
    this.field = field;
  }
}

// fetch() options with a signal that aborts after `ms` (and when the caller's signal does).
function withTimeout(ms, outer) {
  const controller = new AbortController();
  const timeout = setTimeout(() => controller.abort(), ms);
  if (outer) {
    if (outer.aborted) controller.abort();
    else outer.addEventListener("abort", () => controller.abort(), { once: true });
  }
  return { signal: controller.signal, done: () => clearTimeout(timeout) };
}

function emit(patch) {
  Object.assign(state, patch);
  const snapshot = { ...state };
  for (const cb of listeners) {
    try {
      cb(snapshot);
    } catch (error) {
      console.error(error);
    }
  }
}

/** Subscribe to the engine's state; returns the unsubscribe function. */
export function onSyncState(cb) {
  listeners.add(cb);
  cb({ ...state });
  return () => listeners.delete(cb);
}

export function syncState() {
  return { ...state };
}

/**
 * fetch() of `/api/v1<path>` (or a full `/api/...` path) with the device token; a plain object
 * body is sent as JSON. Returns the Response.
 */
export async function api(path, { method = "GET", body, headers = {}, signal, timeoutMs = CALL_TIMEOUT_MS } = {}) {
  const url = path.startsWith("/api/") ? path : `${API}${path}`;
  const sent = new Headers(headers);
  const token = await getMeta("token");
  if (token && !sent.has("Authorization")) sent.set("Authorization", `Bearer ${token}`);
  let payload = body;
  const raw =
    body === undefined ||
    body === null ||
    typeof body === "string" ||
    body instanceof Blob ||
    body instanceof ArrayBuffer ||
    body instanceof FormData;
  if (!raw) {
    payload = JSON.stringify(body);
    sent.set("Content-Type", "application/json");
  }
  const timer = withTimeout(timeoutMs, signal);
  try {
    const response = await fetch(url, {
      method,
      body: payload ?? undefined,
      headers: sent,
      credentials: "same-origin",
      cache: "no-store",
      signal: timer.signal,
    });
    return response; // call() bounds the body's reading by its own deadline
  } finally {
    timer.done();
  }
}

async function readJson(response) {
  try {
    return await response.json();
  } catch {
    return {};
  }
}

// One network call; a network failure, a timeout or a server error means "try again later".
async function call(path, options) {
  let response;
  let body;
  try {
    response = await api(path, options);
    body = await withDeadline(readJson(response), CALL_TIMEOUT_MS);
  } catch {
    throw new Retry("网络中断");
  }
  if (response.status === 401) throw new AuthPause(body.code || "");
  if (response.status >= 500 || response.status === 408 || response.status === 429) {
    throw new Retry(`服务器暂时无法处理（${response.status}）`);
  }
  return { status: response.status, body, headers: response.headers };
}

// A body that stops arriving rejects instead of hanging.
function withDeadline(promise, ms) {
  let timeout;
  const deadline = new Promise((_, reject) => {
    timeout = setTimeout(() => reject(new Error("timeout")), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timeout));
}

/** The probe: online only if the body is the server's, never by navigator.onLine. */
export async function probe() {
  const timer = withTimeout(PROBE_TIMEOUT_MS);
  try {
    const response = await fetch(`${API}/sync/ping`, {
      cache: "no-store",
      credentials: "same-origin",
      signal: timer.signal,
    });
    if (!response.ok) return null;
    const body = await withDeadline(response.json(), PROBE_TIMEOUT_MS);
    if (body && body.ok === PING_OK) {
      if (body.max_chunk_bytes > 0) chunkBytes = body.max_chunk_bytes;
      return body;
    }
  } catch {
    // offline, a timeout, or a fallback page that is not JSON
  } finally {
    timer.done();
  }
  return null;
}

export function recordBody(record) {
  return {
    uuid: record.uuid,
    kind: record.kind,
    schema: record.schema,
    created_at: record.createdAt,
    payload: record.payload,
    files: (record.files || []).map((f) => ({
      sha256: f.sha256,
      name: f.name,
      role: f.role,
      size: f.size,
      type: f.type,
    })),
  };
}

async function update(uuid, patch) {
  await db.records.update(uuid, patch);
}

// The blobs of an applied record go, unless an unfinished record also lists the same hash.
async function dropBlobs(record) {
  await db.transaction("rw", db.records, db.blobs, async () => {
    for (const file of record.files || []) {
      const users = await db.records
        .filter(
          (r) => r.uuid !== record.uuid && r.status !== "applied" && (r.files || []).some((f) => f.sha256 === file.sha256),
        )
        .count();
      if (!users) await db.blobs.delete(file.sha256);
    }
  });
}

// A receipt decides the record's local status.
async function takeReceipt(record, receipt) {
  const patch = { receipt, error: "", errorField: "" };
  if (receipt.status === "applied" && !(receipt.missing_files || []).length) {
    patch.status = "applied";
    await update(record.uuid, patch);
    await dropBlobs(record);
    if (record.kind === "patrol") await dropTrack(record.replaces || record.uuid);
    return "applied";
  }
  if (receipt.status === "rejected") {
    patch.status = "rejected";
    patch.error = receipt.error || "服务器拒绝了这条记录";
    patch.errorField = receipt.error_field || "";
    await update(record.uuid, patch);
    return "rejected";
  }
  patch.status = "waiting_files";
  await update(record.uuid, patch);
  return "waiting_files";
}

async function dropTrack(patrolUuid) {
  await db.transaction("rw", db.fixes, db.gaps, db.patrols, async () => {
    await db.fixes.where("patrolUuid").equals(patrolUuid).delete();
    await db.gaps.where("patrolUuid").equals(patrolUuid).delete();
    await db.patrols.delete(patrolUuid);
  });
}

function refuse(record, body, fallback) {
  return update(record.uuid, {
    status: "rejected",
    error: body.detail || fallback,
    errorField: body.field || "",
  });
}

// Send the record itself (create, or an edit based on a version). Returns the receipt or null.
async function sendRecord(record) {
  await update(record.uuid, { attempts: (record.attempts || 0) + 1, lastTriedAt: isoLocal() });
  let answer;
  if (record.edit) {
    answer = await call(`/sync/records/${record.uuid}`, {
      method: "PATCH",
      body: { base_version: record.edit.base_version, payload: record.payload, files: recordBody(record).files },
    });
  } else {
    answer = await call("/sync/records", { method: "POST", body: recordBody(record) });
  }
  const { status, body } = answer;
  if (status === 200 || status === 201) {
    if (record.edit) await update(record.uuid, { edit: null });
    return body;
  }
  if (status === 409 && (body.code === "uuid_conflict" || body.code === "stale")) {
    await update(record.uuid, {
      status: "conflict",
      serverConflict: body.server || null,
      error: body.detail || "服务器上已有另一份内容不同的同一记录",
      errorField: body.field || "",
    });
    return null;
  }
  await refuse(
    record,
    body,
    status === 413 ? "记录太大，服务器拒收（413），请删去部分内容后重新发送" : `服务器拒绝了这条记录（${status}）`,
  );
  return null;
}

// One file, chunk by chunk, from the server's offset. Returns true when the server has it all.
async function uploadFile(sha256) {
  const row = await db.blobs.get(sha256);
  if (!row) return false;
  const blob = row.blob;
  const total = blob.size;
  const known = await call(`/sync/files/${sha256}`);
  let received = known.status === 200 ? known.body.received || 0 : 0;
  if (known.status === 200 && known.body.complete) {
    await db.blobs.update(sha256, { acked: true });
    return true;
  }
  let restarts = 0;
  for (let guard = 0; guard < 10000; guard += 1) {
    const last = Math.min(received + chunkBytes, total) - 1;
    const chunk = blob.slice(received, last + 1);
    const { status, body } = await call(`/sync/files/${sha256}`, {
      method: "PUT",
      timeoutMs: CHUNK_TIMEOUT_MS,
      body: chunk,
      headers: {
        "Content-Type": "application/octet-stream",
        "Content-Range": `bytes ${received}-${last}/${total}`,
      },
    });
    if (status === 200 || status === 201) {
      if (body.complete) {
        await db.blobs.update(sha256, { acked: true });
        return true;
      }
      received = body.received ?? last + 1;
    } else if (status === 409 && body.code === "offset_mismatch") {
      received = body.received ?? (body.server && body.server.received) ?? 0;
    } else if (status === 422 && body.code === "hash_mismatch") {
      restarts += 1;
      // The same bytes hashed three times to something else: the copy on this phone is damaged.
      if (restarts > 2) throw new Final(`照片「${row.name || sha256.slice(0, 8)}」在本机已损坏（校验不一致），无法上传，请导出离线数据包交给办公室`, "files");
      received = 0;
    } else if (status === 404) {
      return false; // not expected (yet): the receipt is asked again below
    } else if (status === 413 || (status >= 400 && status < 500 && FINAL_FILE_CODES.has(body.code))) {
      const name = row.name || sha256.slice(0, 8);
      throw new Final(
        body.detail
          ? `照片「${name}」未能上传：${body.detail}`
          : `照片「${name}」太大，服务器拒收（${status}）`,
        "files",
      );
    } else {
      throw new Retry(body.detail || `照片上传失败（${status}）`);
    }
    if (received >= total && total > 0) {
      // the server has every byte but has not said complete: ask it
      const now = await call(`/sync/files/${sha256}`);
      if (now.status === 200 && now.body.complete) {
        await db.blobs.update(sha256, { acked: true });
        return true;
      }
      received = now.status === 200 ? now.body.received || 0 : 0;
    }
  }
  throw new Retry("照片上传没有进展");
}

// An error body is not a receipt: a 4xx here (the right to the record withdrawn) is final.
function receiptOrFinal(status, body) {
  if (status === 200) return body;
  throw new Final(body.detail || `服务器拒绝了这条记录（${status}）`, body.field || "");
}

// 413 too_large, 400 bad_range and 409 size_mismatch come back the same for the same bytes.
const FINAL_FILE_CODES = new Set(["too_large", "bad_range", "size_mismatch"]);

async function syncRecord(record) {
  try {
    await syncRecordOnce(record);
  } catch (error) {
    if (!(error instanceof Final)) throw error;
    await update(record.uuid, { status: "rejected", error: error.message, errorField: error.field });
  }
}

async function syncRecordOnce(record) {
  let receipt = record.receipt;
  if (record.status === "queued" || !receipt) {
    receipt = await sendRecord(record);
    if (!receipt) return;
  } else {
    const { status, body } = await call(`/sync/records/${record.uuid}`);
    if (status === 404) {
      // the server lost it (restored from a backup): send it again
      receipt = await sendRecord({ ...record, edit: null });
      if (!receipt) return;
    } else {
      receipt = receiptOrFinal(status, body);
    }
  }
  const local = await db.records.get(record.uuid);
  let outcome = await takeReceipt(local, receipt);
  if (outcome !== "waiting_files" || !(receipt.missing_files || []).length) return;
  const order = (local.files || []).map((f) => f.sha256).filter((h) => receipt.missing_files.includes(h));
  const lost = [];
  for (const sha of order) if (!(await db.blobs.get(sha))) lost.push(sha);
  if (lost.length) {
    // Cannot happen through saveDraft (one transaction); say so rather than retry forever.
    const names = (local.files || []).filter((f) => lost.includes(f.sha256)).map((f) => f.name);
    await update(record.uuid, { error: `本机缺少照片「${names.join("、")}」，无法补传，请联系管理员` });
    return;
  }
  for (const sha of order) {
    await uploadFile(sha);
  }
  const latest = await call(`/sync/records/${record.uuid}`);
  const body = receiptOrFinal(latest.status, latest.body);
  outcome = await takeReceipt(await db.records.get(record.uuid), body);
  if (outcome === "waiting_files" && (body.missing_files || []).length) {
    const missing = body.missing_files.filter((h) => order.includes(h));
    if (missing.length) throw new Retry("还有照片未传完");
  }
}

async function refreshPackage() {
  const me = await call("/sync/me");
  if (me.status === 200) {
    await setMeta("me", me.body);
    await setMeta("user", me.body.user);
    await setMeta("device", me.body.device);
  }
  const etag = await getMeta("tasksEtag");
  const tasks = await call("/sync/tasks", { headers: etag ? { "If-None-Match": etag } : {} });
  if (tasks.status === 200) {
    await setMeta("tasks", tasks.body);
    await setMeta("tasksAt", isoLocal());
    await setMeta("tasksEtag", tasks.headers.get("ETag") || "");
  }
}

async function countPending() {
  return db.records.where("status").anyOf(UNSENT).count();
}

async function run() {
  const pending = await countPending();
  emit({ pending });
  const ping = await probe();
  if (!ping) throw new Retry("offline");
  if (!(await getMeta("token"))) throw new AuthPause("no_token");
  emit({ state: "sending", message: pending ? `正在发送 ${pending} 条记录` : "正在同步" });
  const rows = await db.records.where("status").anyOf(["queued", "waiting_files"]).toArray();
  rows.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  for (const row of rows) {
    await syncRecord(row);
    emit({ pending: await countPending() });
  }
  await sendDeviceCheck();
  await refreshPackage();
}

// A self-test result made offline waits in meta until the server has it.
async function sendDeviceCheck() {
  const check = await getMeta("pendingDeviceCheck");
  if (!check) return;
  const { status, body } = await call("/sync/device-checks", { method: "POST", body: check });
  if (status >= 200 && status < 300) {
    await setMeta("pendingDeviceCheck", null);
    await setMeta("lastDeviceCheck", body);
  } else if (status >= 400 && status < 500) {
    await setMeta("pendingDeviceCheck", null); // refused as it is: resending will not help
  }
}

function schedule(seconds) {
  clearTimeout(timer);
  const at = Date.now() + seconds * 1000;
  timer = setTimeout(() => syncNow({ userTriggered: false }), seconds * 1000);
  return isoLocal(at);
}

/**
 * Run the queue now; a run in progress is followed by another. A user's tap and the network
 * coming back (`resetBackoff`) cancel the backoff: the next failure waits 1 s again.
 */
export function syncNow({ userTriggered = false, resetBackoff = userTriggered } = {}) {
  if (resetBackoff) failures = 0;
  if (running) {
    again = true;
    return running;
  }
  clearTimeout(timer);
  running = (async () => {
    try {
      await run();
      failures = 0;
      const lastSyncAt = isoLocal();
      await setMeta("lastSyncAt", lastSyncAt);
      await setMeta("authPaused", false);
      const pending = await countPending();
      emit({
        state: "online",
        pending,
        lastSyncAt,
        nextTryAt: schedule(pending ? IDLE_PERIOD_S : QUIET_PERIOD_S),
        retryInS: pending ? IDLE_PERIOD_S : QUIET_PERIOD_S,
        message: pending ? `${pending} 条记录等待服务器处理` : "全部已送达",
      });
    } catch (error) {
      const pending = await countPending();
      if (error instanceof AuthPause) {
        clearTimeout(timer);
        await setMeta("authPaused", true);
        emit({
          state: "paused_auth",
          pending,
          nextTryAt: null,
          retryInS: null,
          message:
            error.message === "no_token"
              ? "本机尚未启用外业采集，请先配对"
              : "本机的外业令牌已失效（可能已被管理员停用），请重新配对；未发送的数据仍保存在本机",
        });
      } else {
        const delay = Math.min(BACKOFF_FIRST_S * 2 ** failures, BACKOFF_MAX_S);
        failures += 1;
        const offline = error instanceof Retry && error.message === "offline";
        // Our own reasons are Chinese; anything else (a bug, a full disk) is not shown raw.
        const reason = error instanceof Retry ? error.message : "本机出错";
        if (!(error instanceof Retry)) console.error(error);
        emit({
          state: offline ? "offline" : "error",
          pending,
          nextTryAt: schedule(delay),
          retryInS: delay,
          message: offline ? "当前离线，数据已保存在本机，联网后自动发送" : `发送失败：${reason}，稍后自动重试`,
        });
      }
    } finally {
      running = null;
      if (again) {
        again = false;
        syncNow({ userTriggered: false });
      }
    }
  })();
  return running;
}

/** Resolves when no run is going on or queued (for screens that wait, and for tests). */
export async function whenIdle() {
  while (running) await running;
}

/** Start once per page: on open, on the online event, when shown again, and on a timer. */
export async function startSync() {
  if (started) return running;
  started = true;
  // Ask once for storage the browser will not evict on its own (the self-test shows the answer).
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
  emit({ lastSyncAt: (await getMeta("lastSyncAt")) || null, pending: await countPending() });
  // Coming online during an offline backoff tries at once (the first probe may still fail while
  // the radio settles: the backoff then starts again from 1 s, not from where it was).
  window.addEventListener("online", () => syncNow({ resetBackoff: true }));
  // Going offline is believed only after the probe fails: the badge then says so at once.
  window.addEventListener("offline", () => syncNow({ userTriggered: false }));
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") syncNow({ userTriggered: false });
  });
  return syncNow({ userTriggered: false });
}

/**
 * The worker's choice on a conflict: "server" keeps the server's version (the local one is
 * discarded, with its photos); "mine" resends the local one as an edit of the server's version.
 * When the server showed no version (`server: null`: the UUID is another user's, or hidden),
 * neither can be chosen blindly: "new" sends the local record again under a new UUID.
 */
export async function resolveConflict(uuid, choice) {
  const record = await db.records.get(uuid);
  if (!record || record.status !== "conflict") return record;
  if (!record.serverConflict) {
    if (choice !== "new") return record; // nothing to keep and nothing to base an edit on
    return db.records.get(await sendAsNew(record));
  }
  const server = record.serverConflict;
  const receipt = server.receipt || server;
  if (choice === "server") {
    await update(uuid, { status: "applied", receipt, resolvedAs: "server", error: "", serverConflict: null });
    await dropBlobs(record);
  } else {
    await update(uuid, {
      status: "queued",
      edit: { base_version: receipt.version || null },
      resolvedAs: "mine",
      error: "",
    });
    syncNow({ userTriggered: true });
  }
  return db.records.get(uuid);
}

// The record under a fresh UUID, queued as a create; records of this phone pointing at the old
// UUID (a finding's patrol_uuid, an eradication's finding_uuid) follow it.
async function sendAsNew(record) {
  const fresh = newUuid();
  await db.transaction("rw", db.records, async () => {
    const pointers = await db.records
      .filter((r) => r.status !== "applied" && r.payload && (r.payload.patrol_uuid === record.uuid || r.payload.finding_uuid === record.uuid))
      .toArray();
    for (const r of pointers) {
      const payload = { ...r.payload };
      if (payload.patrol_uuid === record.uuid) payload.patrol_uuid = fresh;
      if (payload.finding_uuid === record.uuid) payload.finding_uuid = fresh;
      const patch = { payload };
      if (r.status === "rejected") {
        Object.assign(patch, { status: "queued", error: "", errorField: "" });
        if (r.receipt && r.receipt.version) patch.edit = { base_version: r.receipt.version };
      }
      await db.records.update(r.uuid, patch);
    }
    await db.records.delete(record.uuid);
    await db.records.put({
      ...record,
      uuid: fresh,
      replaces: record.replaces || record.uuid,
      status: "queued",
      receipt: null,
      edit: null,
      error: "",
      errorField: "",
      serverConflict: null,
      attempts: 0,
      resolvedAs: "new",
    });
  });
  syncNow({ userTriggered: true });
  return fresh;
}

/** A rejected record, corrected by the worker, goes again as an edit of its last receipt. */
export async function resendRejected(uuid, { payload } = {}) {
  const record = await db.records.get(uuid);
  if (!record || record.status !== "rejected") return record;
  const patch = { status: "queued", error: "", errorField: "" };
  if (payload) patch.payload = payload;
  if (record.receipt && record.receipt.version) patch.edit = { base_version: record.receipt.version };
  await update(uuid, patch);
  syncNow({ userTriggered: true });
  return db.records.get(uuid);
}
