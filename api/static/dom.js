// Building DOM nodes without innerHTML: every text goes in as a text node.

export const $ = (sel) => document.querySelector(sel);

// el("button", {class: "btn", onclick: f, "data-x": 1}, "Label", child, …): attributes
// that are null, undefined or false are left out; `on…` attributes are listeners.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}
