/* Build DOM nodes from text. User and file text (unit, plot, feature names…) never goes
   through an HTML parser: pass what these return to Leaflet's bindTooltip/bindPopup/divIcon
   or append them, instead of HTML strings. */
window.zcDom = (function () {
  "use strict";

  /* el("a", { href: "/x/", class: "small", dataset: { id: 1 }, style: { background: c } }, "text", node…)
     Strings become text nodes; null, undefined and false children and attributes are skipped. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (/^on/i.test(name)) throw new Error(`zcDom.el: event attributes are not allowed (${name})`);
      if (name === "class") node.className = value;
      else if (name === "dataset") Object.assign(node.dataset, value);
      else if (name === "style") Object.assign(node.style, value); // CSSOM: allowed by the CSP
      else node.setAttribute(name, value);
    }
    append(node, ...children);
    return node;
  }

  function append(node, ...children) {
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  /* A <span> holding the text as is: for tooltips and labels. */
  function text(value, className) {
    return el("span", { class: className }, value ?? "");
  }

  /* <option> elements for a <select>: pairs of [value, label]. */
  function options(select, pairs) {
    select.replaceChildren(...pairs.map(([value, label]) => el("option", { value }, label)));
  }

  return { el, append, text, options };
})();
