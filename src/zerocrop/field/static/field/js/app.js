/* The field app: hash router, top bar with the sync badge, bottom tabs. */
import { getMeta, patrolActive } from "./db.js";
import { h, put, icon } from "./forms.js";
import * as recorder from "./screens/patrol_recorder.js";

const APP_NAME = "禁种铲毒外业";

// Route → screen module (each exports render(root, params) → optional cleanup).
const ROUTES = {
  tasks: () => import("./screens/tasks.js"),
  target: () => import("./screens/tasks.js"),
  finding: () => import("./screens/tasks.js"),
  cell: () => import("./screens/tasks.js"),
  map: () => import("./screens/map.js"),
  patrol: () => import("./screens/patrol.js"),
  record: () => import("./screens/record.js"),
  outbox: () => import("./screens/outbox.js"),
  selftest: () => import("./screens/selftest.js"),
  pair: () => import("./screens/pair.js"),
  more: async () => ({ render: renderMore }),
};

const TABS = [
  ["tasks", "任务", "list-check", ["tasks", "target", "finding", "cell", "map"]],
  ["patrol", "踏查", "signpost-split", ["patrol"]],
  ["record", "记录", "pencil-square", ["record"]],
  ["outbox", "待发送", "cloud-upload", ["outbox"]],
  ["more", "更多", "three-dots", ["more", "selftest", "pair"]],
];

/* "#/record/finding/<uuid>?patrol_uuid=…" → {name: "record", args: ["finding", "<uuid>"], query} */
export function parseHash(hash) {
  const raw = (hash || "").replace(/^#\/?/, "");
  // A pairing link (/field/app/#pair=<code>) goes to the pairing screen with its code.
  if (raw.startsWith("pair=")) return { name: "pair", args: [], query: new URLSearchParams(raw) };
  const [path, search] = raw.split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { name: parts[0] || "tasks", args: parts.slice(1), query: new URLSearchParams(search || "") };
}

export function go(hash) {
  if (window.location.hash === hash) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else window.location.hash = hash;
}

function renderMore(root) {
  const item = (href, ic, label, testid) => h("a", { class: "zf-list-item", href, testid }, icon(ic), h("span", null, label), icon("chevron-right"));
  const message = h("div", { "aria-live": "polite" });
  const guarded = (ic, label, testid, act) => {
    const button = h("button", { type: "button", class: "zf-list-item zf-list-button", testid }, icon(ic), h("span", null, label));
    button.addEventListener("click", async () => {
      const guard = await import("./guard.js");
      const verdict = await act(guard);
      if (!verdict.ok) { message.replaceChildren(h("div", { class: "zf-notice zf-notice-danger", role: "alert" }, verdict.message)); return; }
      window.location.replace("#/pair");
      window.location.reload();
    });
    return button;
  };
  put(root, 
    h("h1", { class: "zf-title" }, "更多"),
    h("div", { class: "zf-list" },
      item("#/map", "map", "地图", "more-map"),
      item("#/outbox", "cloud-upload", "待发送与回执（导出离线数据包）", "more-outbox"),
      item("#/selftest", "clipboard2-pulse", "设备自检", "more-selftest"),
      item("#/pair", "phone", "设备配对", "more-pair"),
      h("a", { class: "zf-list-item", href: "/" }, icon("box-arrow-up-right"), h("span", null, "打开网页版（需联网）"), icon("chevron-right"))),
    h("section", { class: "zf-section" }, h("h2", null, "账号与数据"),
      h("div", { class: "zf-list" },
        guarded("box-arrow-right", "退出 / 切换用户", "more-logout", (g) => g.forgetDevice("退出或切换用户")),
        guarded("trash3", "清除本机应用数据", "more-clear", async (g) => {
          const verdict = await g.guardLeave("清除应用数据");
          if (!verdict.ok || !window.confirm("清除后本机的任务、草稿和设置都会删除，确定吗？")) return verdict.ok ? { ok: false, message: "已取消" } : verdict;
          return g.clearAppData();
        })),
      message),
    h("p", { class: "zf-hint" }, "锁屏后网页无法记录轨迹，请保持屏幕常亮或在每个地块拍照打卡。"));
}

function chrome(app) {
  const badge = h("span", { class: "zf-badge zf-badge-offline", testid: "sync-badge", role: "status" }, "离线");
  const top = h("header", { class: "zf-topbar" },
    h("span", { class: "zf-appname" }, APP_NAME),
    h("a", { href: "#/outbox", class: "zf-badge-link", "aria-label": "同步状态" }, badge));
  const banner = h("div", { class: "zf-banners" });
  const main = h("main", { class: "zf-main", id: "zf-main" });
  const tabs = h("nav", { class: "zf-tabbar", "aria-label": "主菜单" },
    TABS.map(([route, label, ic]) => h("a", { href: `#/${route}`, class: "zf-tab", dataset: { route }, testid: `tab-${route}` },
      icon(ic), h("span", null, label))));
  app.replaceChildren(top, banner, main, tabs);
  return { badge, banner, main, tabs };
}

function showSyncState(badge, s) {
  const pending = s.pending || 0;
  let text = "离线";
  let kind = "offline";
  if (s.state === "sending") { text = "正在同步"; kind = "sending"; }
  else if (s.state === "paused_auth") { text = "需重新配对"; kind = "error"; }
  else if (s.state === "error") { text = pending ? `待发送 ${pending}` : "同步出错"; kind = "error"; }
  else if (pending) { text = `待发送 ${pending}`; kind = "pending"; }
  else if (s.state === "online") { text = "在线"; kind = "online"; }
  badge.textContent = text;
  badge.className = `zf-badge zf-badge-${kind}`;
  badge.title = s.message || "";
}

async function inAppBanner(banner) {
  try {
    const { inAppBrowser, IN_APP_ADVICE } = await import("./screens/selftest.js");
    const found = inAppBrowser();
    if (!found || !found.inApp) return;
    banner.append(h("div", { class: "zf-notice zf-notice-danger", testid: "inapp-banner" }, `（${found.name}）${IN_APP_ADVICE}`));
  } catch (error) {
    console.warn("in-app browser check unavailable", error);
  }
}

async function startSync(badge) {
  try {
    const sync = await import("./sync.js");
    sync.onSyncState((s) => showSyncState(badge, s));
    sync.startSync();
  } catch (error) {
    console.warn("sync engine unavailable", error);
  }
}

async function main() {
  const app = document.getElementById("app");
  const ui = chrome(app);
  let cleanup = null;
  let seq = 0;

  async function route() {
    const current = ++seq;
    const { name, args, query } = parseHash(window.location.hash);
    const load = ROUTES[name];
    for (const tab of ui.tabs.querySelectorAll(".zf-tab")) {
      const owns = TABS.find(([r]) => r === tab.dataset.route)[3].includes(name);
      tab.classList.toggle("is-active", owns);
      if (owns) tab.setAttribute("aria-current", "page"); else tab.removeAttribute("aria-current");
    }
    if (typeof cleanup === "function") { try { cleanup(); } catch (e) { console.warn(e); } }
    cleanup = null;
    const root = h("div", { class: "zf-screen", dataset: { screen: name } });
    ui.main.replaceChildren(root);
    if (!load) {
      put(root, h("p", { class: "zf-empty" }, "没有这个页面。"), h("a", { class: "zf-btn", href: "#/tasks" }, "回到任务"));
      return;
    }
    try {
      const mod = await load();
      if (current !== seq) return;
      cleanup = (await mod.render(root, { name, args, query, go })) || null;
    } catch (error) {
      console.error(error);
      // The browser's own error text may be English: the worker gets a Chinese way out instead.
      root.replaceChildren(h("div", { class: "zf-notice zf-notice-danger", role: "alert" }, "页面加载失败，请刷新重试；仍不行时请联网后重新打开应用。"),
        h("a", { class: "zf-btn zf-btn-outline", href: "#/tasks" }, "回到任务"));
    }
    window.scrollTo(0, 0);
    // The 「已恢复」 notice goes once that patrol has ended (finished on the patrol screen).
    const resumed = ui.banner.querySelector('[data-testid="patrol-resumed"]');
    if (resumed && !(await patrolActive())) resumed.remove();
  }

  window.addEventListener("hashchange", route);
  startSync(ui.badge);
  inAppBanner(ui.banner);

  // A patrol that was recording when the page was closed (reload, crash, reboot) goes on.
  const active = await patrolActive();
  if (active) {
    await recorder.resume(active);
    ui.banner.append(h("div", { class: "zf-notice zf-notice-warn", testid: "patrol-resumed" },
      "已恢复上次未结束的踏查，正在继续记录轨迹。",
      h("a", { href: "#/patrol", class: "zf-notice-link" }, "查看")));
  }

  const { name } = parseHash(window.location.hash);
  const paired = Boolean(await getMeta("token"));
  if (!paired && !["pair", "selftest"].includes(name)) window.location.replace("#/pair");
  else if (!window.location.hash) window.location.replace(active ? "#/patrol" : "#/tasks");
  route();
}

main();
