/* The verification form: the fields of the chosen result, and the arrival position from the
   phone, typed, or taken from the photos on the server. */
(function () {
  "use strict";
  const form = document.querySelector("[data-testid=target-verify-form]");
  if (!form) return;
  const cfg = JSON.parse(document.getElementById("target-verify-config").textContent);
  const radios = form.querySelectorAll("input[name=result]");
  function chosen() {
    const checked = form.querySelector("input[name=result]:checked");
    return checked ? checked.value : "";
  }
  function show() {
    const result = chosen();
    form.querySelectorAll("[data-show-for]").forEach(function (block) {
      block.hidden = !block.dataset.showFor.split(" ").includes(result);
    });
  }
  radios.forEach((r) => r.addEventListener("change", show));
  show();

  const source = document.getElementById("id_arrival_source");
  const lon = document.getElementById("id_arrival_lon");
  const lat = document.getElementById("id_arrival_lat");
  const accuracy = document.getElementById("id_arrival_accuracy_m");
  const distance = document.getElementById("verify-distance");
  function metres(lo1, la1, lo2, la2) {
    const rad = Math.PI / 180, r = 6371008.8;
    const dla = (la2 - la1) * rad, dlo = (lo2 - lo1) * rad;
    const a = Math.sin(dla / 2) ** 2 + Math.cos(la1 * rad) * Math.cos(la2 * rad) * Math.sin(dlo / 2) ** 2;
    return 2 * r * Math.asin(Math.sqrt(a));
  }
  function showDistance() {
    const lo = parseFloat(lon.value), la = parseFloat(lat.value);
    distance.replaceChildren();
    if (isNaN(lo) || isNaN(la)) return;
    // The server measures to the target's outline; this is to its centre.
    distance.append(zcDom.text("距靶点中心约 " + Math.round(metres(lo, la, cfg.lon, cfg.lat)) + " 米"));
  }
  [lon, lat].forEach(function (input) {
    input.addEventListener("change", function () {
      if (!source.value || source.value === "photo") source.value = "typed";
      showDistance();
    });
  });
  showDistance();

  const locate = document.getElementById("verify-locate");
  if (!navigator.geolocation) locate.hidden = true;
  locate.addEventListener("click", function () {
    distance.replaceChildren(zcDom.text("正在定位…"));
    navigator.geolocation.getCurrentPosition(
      function (p) {
        lon.value = p.coords.longitude.toFixed(6);
        lat.value = p.coords.latitude.toFixed(6);
        accuracy.value = Math.round(p.coords.accuracy);
        source.value = "phone";
        showDistance();
      },
      function () { distance.replaceChildren(zcDom.text("无法定位，请手工填写或取照片位置")); },
      { enableHighAccuracy: true, timeout: 20000 }
    );
  });
  document.getElementById("verify-photo-fix").addEventListener("click", function () {
    source.value = "photo";
    lon.value = "";
    lat.value = "";
    accuracy.value = "";
    distance.replaceChildren(zcDom.text("提交后取第一张记录了位置的照片的位置"));
  });
})();
