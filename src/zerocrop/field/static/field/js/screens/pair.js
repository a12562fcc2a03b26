/* #/pair and #pair=<code> — 启用外业采集: trade a one-use pairing code (from the QR code shown
   on the web page) for this phone's device token. A logged-in browser can ask for a code
   itself (「在本机启用」). Pairing another user is refused while anything is unsent. */

import { getMeta, setMeta } from "../db.js";
import { guardLeave } from "../guard.js";
import { syncNow } from "../sync.js";
import { clear, el } from "../ui.js";

/** The code in `#pair=<code>`, if the page was opened from the QR code. */
export function codeFromHash(hash = location.hash) {
  const match = hash.match(/[#&/]pair=([^&]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function deviceName() {
  const ua = navigator.userAgent;
  const model = (ua.match(/Android [\d.]+; ([^;)]+)/) || [])[1];
  if (model && !/^wv$|^K$/.test(model.trim())) return model.trim().slice(0, 60);
  if (/iPhone/.test(ua)) return "iPhone";
  if (/Android/.test(ua)) return "安卓手机";
  return "电脑浏览器";
}

async function readError(response) {
  try {
    const body = await response.json();
    return body.detail || "";
  } catch {
    return "";
  }
}

/** `{ok, message, user}` — stores the token, user and device in meta on success. */
export async function pairWithCode(code, name = deviceName()) {
  let response;
  try {
    response = await fetch("/api/v1/sync/pair", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      cache: "no-store",
      body: JSON.stringify({ code, name, user_agent: navigator.userAgent }),
    });
  } catch {
    return { ok: false, message: "需要联网才能启用，请在有信号的地方重试（二维码 10 分钟内有效）" };
  }
  if (!response.ok) {
    return { ok: false, message: (await readError(response)) || `启用失败（${response.status}）` };
  }
  const body = await response.json();
  const previous = await getMeta("user");
  if (previous && body.user && String(previous.id) !== String(body.user.id)) {
    const verdict = await guardLeave("切换用户");
    if (!verdict.ok) return { ok: false, message: verdict.message };
  }
  await setMeta("token", body.token);
  await setMeta("user", body.user);
  await setMeta("device", body.device);
  await setMeta("pairedAt", new Date().toISOString());
  await setMeta("authPaused", false);
  syncNow({ userTriggered: true });
  return { ok: true, message: "", user: body.user };
}

async function sessionCode() {
  const session = await (await fetch("/field/app/session", { cache: "no-store", credentials: "same-origin" })).json();
  if (!session.logged_in) return { ok: false, message: "这个浏览器没有登录平台" };
  const response = await fetch("/api/v1/sync/pairing-codes", {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": session.csrf_token },
    credentials: "same-origin",
    cache: "no-store",
    body: "{}",
  });
  if (!response.ok) return { ok: false, message: (await readError(response)) || `无法生成配对码（${response.status}）` };
  return { ok: true, code: (await response.json()).code };
}

async function loggedIn() {
  try {
    const response = await fetch("/field/app/session", { cache: "no-store", credentials: "same-origin" });
    return (await response.json()).logged_in ? true : false;
  } catch {
    return false;
  }
}

function whoText(user) {
  if (!user) return "";
  const unit = user.unit && user.unit.name ? ` · ${user.unit.name}` : "";
  return `${user.name || user.username}${unit}`;
}

export function render(root, params) {
  const box = el("div", { class: "field-pair px-3 pt-3 pb-5" });
  const message = el("p", { class: "mt-3", role: "status", testid: "pair-message" });
  clear(root);
  root.append(box);

  const done = (user) => {
    clear(box);
    box.append(
      el("h1", { class: "h5" }, "已启用外业采集"),
      el("p", { testid: "pair-done" }, `本机已绑定：${whoText(user)}`),
      el("a", { class: "btn btn-primary field-touch", href: "#/tasks" }, "进入任务"),
    );
  };

  const trade = async (code) => {
    message.className = "mt-3";
    message.textContent = "正在启用…";
    const result = await pairWithCode(code);
    if (result.ok) {
      history.replaceState(null, "", "#/pair");
      done(result.user);
    } else {
      message.className = "mt-3 text-danger";
      message.textContent = result.message;
    }
  };

  (async () => {
    const code = (params && params.code) || codeFromHash();
    const [user, paused] = await Promise.all([getMeta("user"), getMeta("authPaused")]);
    box.append(el("h1", { class: "h5" }, "启用外业采集"));
    if (user) {
      box.append(
        el(
          "p",
          { testid: "pair-current" },
          `本机当前绑定：${whoText(user)}`,
          paused ? "。令牌已失效，请重新配对，未发送的数据仍在本机。" : "。",
        ),
      );
    }
    box.append(
      el("p", {}, "用电脑或另一部已登录的手机打开平台的「启用外业采集」页面，用本机扫描页面上的二维码（10 分钟内有效）。"),
      el("p", { class: "small text-secondary" }, "请用手机自带浏览器或 Chrome 打开，不要在微信里打开。"),
    );
    if (await loggedIn()) {
      box.append(
        el(
          "button",
          {
            type: "button",
            class: "btn btn-primary field-touch",
            testid: "pair-here",
            onclick: async (event) => {
              const button = event.currentTarget;
              button.disabled = true;
              const made = await sessionCode().catch(() => ({ ok: false, message: "需要联网才能启用" }));
              if (made.ok) await trade(made.code);
              else message.textContent = made.message;
              button.disabled = false;
            },
          },
          "在本机启用",
        ),
      );
    }
    box.append(message);
    if (code) await trade(code);
  })();
}
