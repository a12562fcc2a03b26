/* Refuses logging out, switching user or clearing the app's data while anything recorded on
   this phone has not reached the server. Reads IndexedDB directly (no Dexie), so the web
   pages can load it too: there, a logout in the same browser asks first. */

const DB_NAME = "zerocrop-field";

async function databaseExists() {
  if (indexedDB.databases) {
    const all = await indexedDB.databases();
    return all.some((d) => d.name === DB_NAME);
  }
  return null; // unknown: opening tells
}

// Count records by status without creating the database when it does not exist.
function countStatuses() {
  return new Promise((resolve) => {
    const empty = { unsent: 0, drafts: 0, patrols: 0 };
    let request;
    try {
      request = indexedDB.open(DB_NAME);
    } catch {
      resolve(empty);
      return;
    }
    request.onupgradeneeded = () => request.transaction.abort(); // it did not exist: leave none
    request.onerror = () => resolve(empty);
    request.onsuccess = () => {
      const conn = request.result;
      if (!conn.objectStoreNames.contains("records")) {
        conn.close();
        resolve(empty);
        return;
      }
      const counts = { unsent: 0, drafts: 0, patrols: 0 };
      // A recording patrol's fixes are not a record yet, but they are unsent all the same.
      const stores = conn.objectStoreNames.contains("patrols") ? ["records", "patrols"] : ["records"];
      const tx = conn.transaction(stores, "readonly");
      if (stores.length > 1) {
        const patrols = tx.objectStore("patrols").openCursor();
        patrols.onsuccess = () => {
          const c = patrols.result;
          if (!c) return;
          if (c.value.status === "recording") counts.patrols += 1;
          c.continue();
        };
      }
      const cursor = tx.objectStore("records").openCursor();
      cursor.onsuccess = () => {
        const c = cursor.result;
        if (!c) return;
        if (c.value.status === "draft") counts.drafts += 1;
        else if (c.value.status !== "applied") counts.unsent += 1;
        c.continue();
      };
      tx.oncomplete = () => {
        conn.close();
        resolve(counts);
      };
      tx.onerror = () => {
        conn.close();
        resolve(counts);
      };
    };
  });
}

/**
 * `{unsent, drafts, patrols}`: records not yet acknowledged as applied, unfinished drafts, and
 * patrols still recording.
 */
export async function unsentCounts() {
  const none = { unsent: 0, drafts: 0, patrols: 0 };
  if (!window.indexedDB) return none;
  if ((await databaseExists()) === false) return none;
  return countStatuses();
}

function describe({ unsent, drafts, patrols }) {
  const parts = [];
  if (patrols) parts.push(`${patrols} 次踏查正在记录（请先结束踏查）`);
  if (unsent) parts.push(`${unsent} 条记录尚未送达服务器`);
  if (drafts) parts.push(`${drafts} 份草稿尚未提交`);
  return parts.join("，");
}

/**
 * May the worker `action` ("退出" | "切换用户" | "清除应用数据") now? `{ok, message}`; refused
 * while anything is unsent (drafts included).
 */
export async function guardLeave(action = "退出") {
  const counts = await unsentCounts();
  if (!counts.unsent && !counts.drafts && !counts.patrols) return { ok: true, message: "", ...counts };
  return {
    ok: false,
    ...counts,
    message:
      `本机还有 ${describe(counts)}，现在不能${action}。` +
      "请先联网在「待发送」页面立即同步，或导出离线数据包交给办公室导入。",
  };
}

/** Forget this phone's pairing (退出/切换用户 in the app); refused while anything is unsent. */
export async function forgetDevice(action = "退出") {
  const verdict = await guardLeave(action);
  if (!verdict.ok) return verdict;
  const { db } = await import("./db.js");
  await db.meta.bulkDelete(["token", "user", "device", "me", "tasks", "tasksEtag", "authPaused"]);
  return verdict;
}

/** Delete the local store, the caches and the service worker; refused while anything is unsent. */
export async function clearAppData() {
  const verdict = await guardLeave("清除应用数据");
  if (!verdict.ok) return verdict;
  const { db } = await import("./db.js");
  db.close();
  await db.delete();
  if (window.caches) {
    for (const name of await caches.keys()) await caches.delete(name);
  }
  if (navigator.serviceWorker) {
    for (const registration of await navigator.serviceWorker.getRegistrations()) {
      await registration.unregister();
    }
  }
  return verdict;
}

// The web pages' logout forms ask first when this browser's field app holds unsent data.
function guardLogoutForms() {
  const forms = document.querySelectorAll('form[action$="/logout/"]');
  for (const form of forms) {
    form.addEventListener("submit", async (event) => {
      if (form.dataset.fieldGuardPassed) return;
      event.preventDefault();
      const counts = await unsentCounts();
      const go =
        (!counts.unsent && !counts.drafts && !counts.patrols) ||
        window.confirm(
          `本浏览器的外业采集应用里还有${describe(counts)}。` +
            "退出网页登录不会删除它们，但请尽快打开外业采集把它们发送出去。仍要退出吗？",
        );
      if (go) {
        form.dataset.fieldGuardPassed = "1";
        form.submit();
      }
    });
  }
}

guardLogoutForms();
