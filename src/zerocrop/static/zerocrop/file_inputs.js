/* File inputs labelled in Chinese whatever the browser's own language: the native control
   ("Choose File / No file chosen" in an English browser) is visually hidden but stays in the
   form and in the tab order; beside it a 选择文件 button opens it and a line names the choice.
   The pair is inserted after the input, so `.is-invalid ~ .invalid-feedback` still applies. */
(function () {
  "use strict";
  const describe = (input) => {
    const files = Array.from(input.files || []);
    if (!files.length) return input.multiple ? "未选择文件（可多选）" : "未选择文件";
    if (files.length === 1) return files[0].name;
    return `已选择 ${files.length} 个文件：${files.map((f) => f.name).join("、")}`;
  };
  for (const input of document.querySelectorAll("input[type=file]:not([data-zc-file])")) {
    input.dataset.zcFile = "";
    input.classList.add("visually-hidden");
    const group = document.createElement("div");
    group.className = "input-group zc-file";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary";
    button.textContent = input.multiple ? "选择文件（可多选）" : "选择文件";
    const name = document.createElement("span");
    name.className = "form-control text-truncate";
    name.dataset.testid = "file-chosen";
    const sync = () => {
      name.textContent = describe(input);
      name.classList.toggle("text-secondary", !(input.files && input.files.length));
      name.classList.toggle("is-invalid", input.classList.contains("is-invalid"));
    };
    button.addEventListener("click", () => input.click());
    input.addEventListener("change", sync);
    input.addEventListener("focus", () => button.classList.add("focus-ring"));
    input.addEventListener("blur", () => button.classList.remove("focus-ring"));
    if (input.id) button.setAttribute("aria-controls", input.id);
    group.append(button, name);
    input.after(group);
    sync();
  }
})();
