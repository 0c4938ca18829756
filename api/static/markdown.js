// The model's markdown as safe DOM: `marked` parses it, DOMPurify cleans the HTML,
// and the status marks the concierge writes as emoji become inline SVG, so they show
// on machines without an emoji font. Both libraries are vendored, pinned ES modules
// (api/static/vendor/, refreshed by `make vendor`): no build step, no CDN.

import { Marked } from "/static/vendor/marked/marked.esm.js";
import DOMPurify from "/static/vendor/dompurify/purify.es.mjs";

const escapeHtml = (text) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

// Raw HTML in the model's text is shown as the text it is, never as markup.
const marked = new Marked({
  gfm: true,
  breaks: true, // the concierge writes one fact per line
  renderer: {
    html: ({ text }) => escapeHtml(text),
  },
});

// What markdown makes, and nothing else: no images (no tracking pixels), no forms,
// no styles, no event handlers; links only to web pages and e-mail addresses.
const PURIFY = {
  ALLOWED_TAGS: [
    "p", "br", "strong", "em", "del", "code", "pre", "blockquote", "hr",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
    "h1", "h2", "h3", "h4", "h5", "h6",
  ],
  ALLOWED_ATTR: ["href", "title", "align", "start"],
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:)/i,
  RETURN_DOM_FRAGMENT: true,
};

DOMPurify.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A") {
    if (node.hasAttribute("href")) {
      node.setAttribute("target", "_blank");
      node.setAttribute("rel", "noopener noreferrer nofollow");
    }
  }
});

// ---------------------------------------------------------------- status marks

const SVG = "http://www.w3.org/2000/svg";
const ICONS = {
  dot: [["circle", { cx: 12, cy: 12, r: 7, fill: "currentColor" }]],
  check: [["path", { d: "M5 12.5l4.5 4.5L19 7.5", fill: "none", stroke: "currentColor", "stroke-width": 3 }]],
  cross: [["path", { d: "M6 6l12 12M18 6L6 18", fill: "none", stroke: "currentColor", "stroke-width": 3 }]],
  star: [["path", { d: "M12 3l2.7 5.8 6.3.7-4.7 4.3 1.3 6.2L12 16.9 6.4 20l1.3-6.2L3 9.5l6.3-.7z", fill: "currentColor" }]],
  ticket: [["path", { d: "M3 7h18v3a2 2 0 0 0 0 4v3H3v-3a2 2 0 0 0 0-4z M14 7v10", fill: "none", stroke: "currentColor", "stroke-width": 2 }]],
  bed: [["path", { d: "M3 18V6M3 14h18v4M21 14v-2a3 3 0 0 0-3-3h-7v5", fill: "none", stroke: "currentColor", "stroke-width": 2 }], ["circle", { cx: 7, cy: 11, r: 2, fill: "currentColor" }]],
  person: [["circle", { cx: 12, cy: 8, r: 4, fill: "currentColor" }], ["path", { d: "M4 21c0-4.4 3.6-7 8-7s8 2.6 8 7z", fill: "currentColor" }]],
  envelope: [["path", { d: "M3 6h18v12H3z M3 7l9 6 9-6", fill: "none", stroke: "currentColor", "stroke-width": 2 }]],
  plane: [["path", { d: "M21 15.5v-2l-8-5V3.5a1.5 1.5 0 0 0-3 0V8.5l-8 5v2l8-2.5V18l-2 1.5V21l3.5-1 3.5 1v-1.5L13 18v-5z", fill: "currentColor" }]],
};

// emoji → [icon, class, what a screen reader says]
const MARKS = new Map([
  ["🟢", ["dot", "mark-green", "in policy"]],
  ["🟠", ["dot", "mark-amber", "needs approval"]],
  ["🟡", ["dot", "mark-amber", "needs approval"]],
  ["🔴", ["dot", "mark-red", "not allowed"]],
  ["✅", ["check", "mark-green", "done"]],
  ["✔", ["check", "mark-green", "done"]],
  ["❌", ["cross", "mark-red", "no"]],
  ["✖", ["cross", "mark-red", "no"]],
  ["⭐", ["star", "mark-star", "recommended"]],
  ["🎫", ["ticket", "mark-neutral", "tickets"]],
  ["🏨", ["bed", "mark-neutral", "hotel"]],
  ["👤", ["person", "mark-neutral", "passengers"]],
  ["📨", ["envelope", "mark-neutral", "sent"]],
  ["✈", ["plane", "mark-neutral", "flight"]],
  ["🎉", [null, "", ""]],
]);
const MARK_SOURCE = `(${[...MARKS.keys()].join("|")})\uFE0F?`;
const HAS_MARK = new RegExp(MARK_SOURCE, "u"); // no "g": test() keeps no state

export function statusMark(emoji) {
  const [icon, cls, label] = MARKS.get(emoji) || [];
  if (!icon) return null;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", `mark ${cls}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.dataset.mark = icon;
  for (const [tag, attrs] of ICONS[icon]) {
    const shape = document.createElementNS(SVG, tag);
    for (const [key, value] of Object.entries(attrs)) shape.setAttribute(key, String(value));
    svg.append(shape);
  }
  return svg;
}

// Text with its status marks as SVG: a fragment of text nodes and marks.
export function withMarks(text) {
  const fragment = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(new RegExp(MARK_SOURCE, "gu"))) {
    fragment.append(text.slice(last, match.index));
    const mark = statusMark(match[1]);
    if (mark) fragment.append(mark);
    last = match.index + match[0].length;
  }
  fragment.append(text.slice(last));
  return fragment;
}

function replaceMarks(root) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const hits = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (HAS_MARK.test(node.data)) hits.push(node);
  }
  for (const node of hits) node.replaceWith(withMarks(node.data));
}

// ---------------------------------------------------------------- the one entry point

// The model's markdown as a DocumentFragment of clean nodes (never an HTML string).
export function renderMarkdown(text) {
  const fragment = DOMPurify.sanitize(marked.parse(text || ""), PURIFY);
  replaceMarks(fragment);
  return fragment;
}
