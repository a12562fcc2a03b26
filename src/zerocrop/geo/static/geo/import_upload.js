/* Geo import upload: 奥维 9.3.0+ exports .ovkml/.ovkmz in GCJ-02, so choosing such a file
   while the coordinate system is still "自动识别" selects GCJ-02 (the user may change it). */
(function () {
  "use strict";
  const file = document.getElementById("id_file");
  const crs = document.getElementById("id_crs");
  if (!file || !crs) return;
  file.addEventListener("change", () => {
    const name = (file.files[0] && file.files[0].name.toLowerCase()) || "";
    if (/\.ovkm[lz]$/.test(name) && crs.value === "auto") {
      crs.value = "gcj02";
      crs.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
})();
