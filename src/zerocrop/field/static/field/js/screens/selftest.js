/* #/selftest — 本机自检: can this phone be trusted with a day's work offline? Service worker,
   an IndexedDB blob write, storage estimate and persist(), geolocation fixes over 60 s, wake
   lock, and whether this is an in-app browser (WeChat …). The result goes to the server
   (POST /sync/device-checks), or waits in meta until online. */

import { db, getMeta, isoLocal, setMeta, sha256 } from "../db.js";
import { api, syncNow } from "../sync.js";
import { clear, el } from "../ui.js";

const IN_APP = [
  [/MicroMessenger/i, "wechat", "微信内置浏览器"],
  [/wxwork/i, "wecom", "企业微信内置浏览器"],
  [/DingTalk/i, "dingtalk", "钉钉内置浏览器"],
  [/AlipayClient/i, "alipay", "支付宝内置浏览器"],
  [/\bQQ\/[\d.]+/i, "qq", "QQ 内置浏览器"],
  [/Weibo/i, "weibo", "微博内置浏览器"],
  [/baiduboxapp/i, "baidu", "百度 App 内置浏览器"],
  [/(Toutiao|NewsArticle|aweme)/i, "bytedance", "今日头条/抖音内置浏览器"],
  [/; wv\)/, "webview", "应用内置网页视图"],
];

/** `{inApp, browser, name}` from the user agent: in-app browsers lose data and cannot track. */
export function inAppBrowser(ua = navigator.userAgent) {
  for (const [pattern, browser, name] of IN_APP) {
    if (pattern.test(ua)) return { inApp: true, browser, name };
  }
  let browser = "other";
  if (/HuaweiBrowser/i.test(ua)) browser = "huawei";
  else if (/MiuiBrowser|XiaoMi/i.test(ua)) browser = "xiaomi";
  else if (/UCBrowser/i.test(ua)) browser = "uc";
  else if (/MQQBrowser/i.test(ua)) browser = "qqbrowser";
  else if (/EdgA?\//i.test(ua)) browser = "edge";
  else if (/Firefox\//i.test(ua)) browser = "firefox";
  else if (/Chrome\//i.test(ua)) browser = "chrome";
  else if (/Safari\//i.test(ua)) browser = "safari";
  return { inApp: false, browser, name: "" };
}

export const IN_APP_ADVICE =
  "您正在应用内置的浏览器中打开外业采集，这里离线数据可能被清除、不能后台同步。请点右上角「…」，选择「在浏览器中打开」，用手机自带浏览器或 Chrome 打开。";

async function checkServiceWorker() {
  if (!("serviceWorker" in navigator)) return { ok: false, detail: "浏览器不支持 Service Worker，无法离线打开" };
  try {
    const registration = await Promise.race([
      navigator.serviceWorker.ready,
      new Promise((resolve) => setTimeout(() => resolve(null), 10_000)),
    ]);
    if (!registration || !registration.active) return { ok: false, detail: "Service Worker 未能启用" };
    return { ok: true, detail: navigator.serviceWorker.controller ? "已启用，本页由它提供" : "已启用（下次打开生效）" };
  } catch (error) {
    return { ok: false, detail: `Service Worker 出错：${error.message}` };
  }
}

async function checkBlobWrite() {
  const key = "__selftest_blob";
  try {
    const data = new Uint8Array(256 * 1024);
    window.crypto.getRandomValues(data.subarray(0, 65536));
    const blob = new Blob([data], { type: "application/octet-stream" });
    const digest = await sha256(blob);
    await db.meta.put({ key, value: blob });
    const back = (await db.meta.get(key)).value;
    const same = back instanceof Blob && back.size === blob.size && (await sha256(back)) === digest;
    await db.meta.delete(key);
    return same
      ? { ok: true, detail: "写入并读回 256 KB 照片数据，校验一致" }
      : { ok: false, detail: "写入的照片数据读回后不一致" };
  } catch (error) {
    return { ok: false, detail: `无法在本机存储照片：${error.message}` };
  }
}

async function checkStorage() {
  if (!navigator.storage || !navigator.storage.estimate) return { ok: false, detail: "浏览器不报告存储空间" };
  const { quota = 0, usage = 0 } = await navigator.storage.estimate();
  const free = Math.round((quota - usage) / 1024 / 1024);
  return { ok: free > 200, quota, usage, detail: `可用约 ${free} MB` };
}

async function checkPersist() {
  if (!navigator.storage || !navigator.storage.persist) return { ok: false, detail: "浏览器不支持持久存储" };
  const granted = (await navigator.storage.persisted()) || (await navigator.storage.persist());
  return granted
    ? { ok: true, detail: "已获持久存储，浏览器不会自动清理" }
    : { ok: false, detail: "浏览器未授予持久存储：清理手机或浏览器数据会删除未发送的记录" };
}

async function checkWakeLock() {
  if (!("wakeLock" in navigator)) return { ok: false, detail: "不支持屏幕常亮，踏查时请手动调长锁屏时间" };
  try {
    const lock = await navigator.wakeLock.request("screen");
    await lock.release();
    return { ok: true, detail: "可以保持屏幕常亮" };
  } catch (error) {
    return { ok: false, detail: `屏幕常亮被拒绝：${error.message}` };
  }
}

function checkGeolocation(seconds, onFix) {
  return new Promise((resolve) => {
    if (!navigator.geolocation) {
      resolve({ ok: false, fixes: 0, detail: "不支持定位" });
      return;
    }
    const accs = [];
    let lastError = "";
    const id = navigator.geolocation.watchPosition(
      (pos) => {
        accs.push(pos.coords.accuracy);
        onFix(accs.length, pos.coords.accuracy);
      },
      (error) => {
        lastError = error.code === 1 ? "定位权限被拒绝" : "暂时无法定位";
      },
      { enableHighAccuracy: true, maximumAge: 0, timeout: 30_000 },
    );
    setTimeout(() => {
      navigator.geolocation.clearWatch(id);
      const sorted = [...accs].sort((a, b) => a - b);
      const median = sorted.length ? sorted[Math.floor(sorted.length / 2)] : null;
      resolve({
        ok: accs.length >= Math.min(30, seconds / 2),
        fixes: accs.length,
        seconds,
        median_acc: median,
        detail: accs.length
          ? `${seconds} 秒内定位 ${accs.length} 次，精度中位数约 ${Math.round(median)} 米`
          : `${seconds} 秒内没有定位结果${lastError ? `（${lastError}）` : ""}`,
      });
    }, seconds * 1000);
  });
}

const ITEMS = [
  ["in_app_browser", "系统浏览器"],
  ["service_worker", "离线打开（Service Worker）"],
  ["indexeddb_blob", "本机保存照片（IndexedDB）"],
  ["storage", "存储空间"],
  ["persist", "持久存储"],
  ["wake_lock", "屏幕常亮"],
  ["geolocation", "定位"],
];

function durationFrom(params) {
  const given = Number((params && params.seconds) || (location.hash.match(/seconds=(\d+)/) || [])[1]);
  return given > 0 ? given : 60;
}

/** Run every check; `onProgress(key, result|null, note)` is told as each one goes. */
export async function runSelfTest({ seconds = 60, onProgress = () => {} } = {}) {
  const detected = inAppBrowser();
  const results = {
    in_app_browser: detected.inApp
      ? { ok: false, detail: `${detected.name}：${IN_APP_ADVICE}` }
      : { ok: true, detail: "不是应用内置浏览器" },
  };
  onProgress("in_app_browser", results.in_app_browser);
  for (const [key, check] of [
    ["service_worker", checkServiceWorker],
    ["indexeddb_blob", checkBlobWrite],
    ["storage", checkStorage],
    ["persist", checkPersist],
    ["wake_lock", checkWakeLock],
  ]) {
    onProgress(key, null, "检测中…");
    results[key] = await check();
    onProgress(key, results[key]);
  }
  onProgress("geolocation", null, `请到室外开阔处，检测 ${seconds} 秒…`);
  results.geolocation = await checkGeolocation(seconds, (n, acc) =>
    onProgress("geolocation", null, `已定位 ${n} 次，当前精度约 ${Math.round(acc)} 米…`),
  );
  onProgress("geolocation", results.geolocation);
  return { ran_at: isoLocal(), user_agent: navigator.userAgent, browser: detected.browser, results };
}

const VERDICT_TEXT = {
  safe: "本机可以放心用于外业采集",
  warn: "本机可以使用，但有风险：请留意下面标黄的项目",
  unsafe: "本机不适合外业采集：离线数据可能丢失",
};

// The server decides the verdict; this preview follows the same rule (docs/field-sync.md).
export function localVerdict(results) {
  const r = (key) => results[key] || {};
  if (!r("service_worker").ok || !r("indexeddb_blob").ok || !r("in_app_browser").ok) return "unsafe";
  if (!r("persist").ok || !r("wake_lock").ok || (r("geolocation").fixes || 0) < 30) return "warn";
  return "safe";
}

async function submit(check) {
  try {
    const response = await api("/sync/device-checks", { method: "POST", body: check });
    if (response.ok) {
      const body = await response.json();
      await setMeta("lastDeviceCheck", body);
      return "自检结果已上报服务器，乡镇管理员可以看到本机是否安全";
    }
    if (response.status === 401) {
      await setMeta("pendingDeviceCheck", check);
      return "本机尚未配对，自检结果暂存在本机，配对后自动上报";
    }
    return `服务器未接受自检结果（${response.status}）`;
  } catch {
    await setMeta("pendingDeviceCheck", check);
    syncNow({ userTriggered: false });
    return "当前离线，自检结果暂存在本机，联网后自动上报";
  }
}

export function render(root, params) {
  const seconds = durationFrom(params);
  const rows = {};
  const list = el("ul", { class: "list-group list-group-flush", testid: "selftest-items" });
  for (const [key, label] of ITEMS) {
    const status = el("span", { class: "badge text-bg-light" }, "未检测");
    const detail = el("div", { class: "small text-secondary" });
    rows[key] = { status, detail };
    list.append(
      el(
        "li",
        { class: "list-group-item py-3", dataset: { testid: `selftest-${key}` } },
        el("div", { class: "d-flex justify-content-between align-items-center" }, el("span", {}, label), status),
        detail,
      ),
    );
  }
  const verdict = el("p", { class: "px-3 fw-semibold", testid: "selftest-verdict" });
  const report = el("p", { class: "px-3 small", testid: "selftest-report" });
  const detected = inAppBrowser();
  const start = el(
    "button",
    { type: "button", class: "btn btn-primary field-touch", testid: "selftest-start" },
    "开始自检",
  );
  let cancelled = false;
  start.addEventListener("click", async () => {
    start.disabled = true;
    verdict.textContent = "";
    report.textContent = "";
    const check = await runSelfTest({
      seconds,
      onProgress: (key, result, note) => {
        if (cancelled) return;
        const row = rows[key];
        if (!result) {
          row.status.className = "badge text-bg-secondary";
          row.status.textContent = "检测中";
          row.detail.textContent = note || "";
          return;
        }
        row.status.className = `badge ${result.ok ? "text-bg-success" : "text-bg-warning"}`;
        row.status.textContent = result.ok ? "通过" : "未通过";
        row.detail.textContent = result.detail || "";
      },
    });
    if (cancelled) return;
    const level = localVerdict(check.results);
    verdict.textContent = VERDICT_TEXT[level];
    verdict.dataset.verdict = level;
    report.textContent = await submit(check);
    start.disabled = false;
  });
  clear(root);
  root.append(
    el(
      "div",
      { class: "field-selftest pb-5" },
      el("div", { class: "px-3 pt-3" }, el("h1", { class: "h5" }, "本机自检")),
      detected.inApp
        ? el("div", { class: "alert alert-danger mx-3", role: "alert", testid: "selftest-inapp" }, `${detected.name}：${IN_APP_ADVICE}`)
        : null,
      el(
        "p",
        { class: "px-3 small text-secondary" },
        `检测本机能否可靠地离线保存记录和照片，并测试 ${seconds} 秒定位。请在室外开阔处进行，检测期间不要锁屏。`,
      ),
      el("div", { class: "px-3 mb-3" }, start),
      list,
      verdict,
      report,
    ),
  );
  return () => {
    cancelled = true;
  };
}
