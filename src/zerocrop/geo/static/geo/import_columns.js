/* Import preview: choosing another 编号/名称 column or another unit shows the preview again
   (the server re-reads the staged file; nothing is saved). Without script the button does it. */
(function () {
  "use strict";
  const button = document.querySelector("[data-testid=import-refresh]");
  if (!button) return;
  document.querySelectorAll("select[data-refresh-preview]").forEach((select) => {
    select.addEventListener("change", () => {
      button.disabled = false;
      button.form.requestSubmit(button);
    });
  });
})();
