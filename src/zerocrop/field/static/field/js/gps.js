/* The phone's position: one shared watchPosition, the latest fix, listeners. */

const listeners = new Set();
let watchId = null;
let last = null;
let lastError = null;

function toFix(position) {
  const c = position.coords;
  return { lon: c.longitude, lat: c.latitude, acc: c.accuracy, t: new Date(position.timestamp || Date.now()).toISOString() };
}

export function errorText(error) {
  if (!("geolocation" in navigator)) return "此浏览器不支持定位";
  if (!error) return "";
  if (error.code === 1) return "未允许定位：请在浏览器设置中允许本网站使用位置信息";
  if (error.code === 2) return "暂时无法定位（请到开阔处，打开手机的定位/GPS）";
  if (error.code === 3) return "定位超时，正在重试";
  return "定位失败";
}

function start() {
  if (watchId !== null || !("geolocation" in navigator)) return;
  watchId = navigator.geolocation.watchPosition(
    (position) => {
      last = toFix(position);
      lastError = null;
      for (const cb of listeners) cb(last, null);
    },
    (error) => {
      lastError = error;
      for (const cb of listeners) cb(null, error);
    },
    { enableHighAccuracy: true, maximumAge: 0, timeout: 30000 },
  );
}

function stop() {
  if (watchId === null) return;
  navigator.geolocation.clearWatch(watchId);
  watchId = null;
}

/* cb(fix, error) on every fix or error; returns the function that stops listening. */
export function watch(cb) {
  listeners.add(cb);
  start();
  if (last) cb(last, null);
  else if (lastError) cb(null, lastError);
  return () => {
    listeners.delete(cb);
    if (!listeners.size) stop();
  };
}

export function lastFix() {
  return last;
}

export function lastFixError() {
  return lastError;
}
