/* Form behaviours declared in templates by data- attributes (no inline script or on* handler):
   - <select data-autosubmit>: submit its form when changed;
   - <input type=checkbox data-select-all=".row-check" data-select-into="#hidden"
      data-select-count="#count" data-select-submit="#button">: a select-all box; the checked rows'
      values go comma-joined into the hidden field, their number into the counter, and the
      button is enabled only when some are checked;
   - <element data-show-when="field-id=value">: shown only while that field has that value;
   - <a data-history-back>: goes back one page (its href is the fallback);
   - .nav-tabs that scroll sideways on a phone show their active tab. */
(function () {
  "use strict";
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.submit());
  }

  for (const all of document.querySelectorAll("input[data-select-all]")) {
    const rows = () => Array.from(document.querySelectorAll(all.dataset.selectAll));
    const into = document.querySelector(all.dataset.selectInto);
    const count = all.dataset.selectCount && document.querySelector(all.dataset.selectCount);
    const submit = all.dataset.selectSubmit && document.querySelector(all.dataset.selectSubmit);
    const sync = () => {
      const ids = rows().filter((c) => c.checked).map((c) => c.value);
      into.value = ids.join(",");
      if (count) count.textContent = ids.length;
      if (submit) submit.disabled = ids.length === 0;
    };
    all.addEventListener("change", () => { rows().forEach((c) => (c.checked = all.checked)); sync(); });
    rows().forEach((c) => c.addEventListener("change", sync));
  }

  for (const target of document.querySelectorAll("[data-show-when]")) {
    const [fieldId, value] = target.dataset.showWhen.split("=");
    const field = document.getElementById(fieldId);
    if (!field) continue;
    const sync = () => target.classList.toggle("d-none", field.value !== value);
    field.addEventListener("change", sync);
    sync();
  }

  for (const link of document.querySelectorAll("a[data-history-back]")) {
    link.addEventListener("click", (event) => {
      if (window.history.length > 1) { event.preventDefault(); window.history.back(); }
    });
  }

  for (const tabs of document.querySelectorAll(".nav-tabs")) {
    const active = tabs.querySelector(".nav-link.active");
    if (active && tabs.scrollWidth > tabs.clientWidth) {
      const offset = active.getBoundingClientRect().left - tabs.getBoundingClientRect().left;
      tabs.scrollLeft = offset - (tabs.clientWidth - active.offsetWidth) / 2;
    }
  }
})();
