/* Searchable person pickers: every <select data-person-picker> becomes a Tom Select whose
   options show "姓名 · 单位" (the option's data-data carries name, unit and village). A
   <select data-person-village> in the same .person-picker box narrows the list to one
   village's people; the picker's data-village-source="#id_unit" follows that field instead. */
(function () {
  "use strict";
  if (!window.TomSelect) return;
  const { el } = window.zcDom;

  for (const select of document.querySelectorAll("select[data-person-picker]")) {
    const box = select.closest("[data-person-picker-box]");
    const filter = box && box.querySelector("select[data-person-village]");
    const source = select.dataset.villageSource && document.querySelector(select.dataset.villageSource);
    const multiple = select.multiple;
    const picker = new TomSelect(select, {
      plugins: multiple ? ["remove_button"] : [],
      dataAttr: "data", // the dataset key of data-data
      allowEmptyOption: !multiple,
      maxOptions: null,
      searchField: ["text", "name", "unit"],
      placeholder: select.dataset.placeholder || "输入姓名或单位搜索",
      hidePlaceholder: true,
      render: {
        option: (d) => el("div", { class: "person-option" },
          el("span", { class: "person-name" }, d.name || d.text),
          d.unit ? el("span", { class: "person-unit text-secondary" }, ` · ${d.unit}`) : null),
        item: (d) => el("div", null, d.name ? `${d.name} · ${d.unit}` : d.text),
        no_results: () => el("div", { class: "no-results" },
          filter && filter.value ? "本村（社区）没有找到此人，可在上方选择“全部村（社区）的人员”" : "没有找到此人"),
      },
    });
    select.dataset.personPickerReady = "";
    if (!filter) continue;
    const everyone = Object.values(picker.options).map((o) => ({ ...o }));
    const narrow = () => {
      const village = filter.value;
      const chosen = new Set(picker.items);
      picker.clearOptions((o) => chosen.has(o.value)); // keep the people already chosen
      picker.addOptions(everyone.filter((o) => !village || o.village === village || chosen.has(o.value)));
      picker.refreshOptions(false);
      if (!picker.isFocused) picker.close();
    };
    filter.addEventListener("change", narrow);
    if (source) {
      const follow = () => {
        const match = Array.from(filter.options).find((o) => o.value && o.dataset.unit === source.value);
        filter.value = match ? match.value : "";
        narrow();
      };
      source.addEventListener("change", follow);
      follow();
    } else {
      narrow();
    }
  }
})();
