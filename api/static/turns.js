// How a turn feels while it runs: reading the SSE stream, the typing indicator, the
// Stop button, reconnecting after a dropped connection (Last-Event-ID), and keeping a
// huge tool output from freezing the page. No state of its own beyond one turn's.

import { $, el } from "/static/dom.js";

// Waits before each reconnect attempt (ms): about a minute in all, enough for a
// server restart; "Retry now" skips the wait.
export const RECONNECT_DELAYS = [300, 700, 1000, 2000, 3000, 4000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000];

// One SSE block → {id, data}.
export function parseSseBlock(block) {
  const event = { data: "", id: null };
  const data = [];
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) continue; // comment / keep-alive
    const sep = line.indexOf(":");
    const field = sep < 0 ? line : line.slice(0, sep);
    const value = sep < 0 ? "" : line.slice(sep + 1).replace(/^ /, "");
    if (field === "data") data.push(value);
    else if (field === "id") event.id = value;
  }
  event.data = data.join("\n");
  return event;
}

// Read one SSE response, handing each part to `onPart`. `progress` records whether the
// turn finished and the last event id seen (where a reconnect resumes). Parts at or
// before `progress.lastEventId` are never handed on twice.
export async function pump(response, onPart, progress) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value.replace(/\r\n/g, "\n");
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = parseSseBlock(block);
        if (event.id) {
          if (progress.seen.has(event.id)) continue; // a replayed part: drawn already
          progress.seen.add(event.id);
          progress.lastEventId = event.id;
        }
        if (!event.data) continue;
        if (event.data === "[DONE]") {
          progress.finished = true;
          continue;
        }
        let part;
        try {
          part = JSON.parse(event.data);
        } catch (err) {
          console.warn("unreadable stream part", err);
          continue;
        }
        if (part.type === "finish") progress.finished = true;
        onPart(part);
      }
    }
  } catch (err) {
    progress.dropped = err;
  }
}

export function newProgress() {
  return { finished: false, lastEventId: null, dropped: null, seen: new Set() };
}

// A wait that "Retry now" (or an abort) ends early.
export function pause(ms, signal, skip) {
  return new Promise((resolve) => {
    const done = () => { clearTimeout(timer); resolve(); };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    skip?.addEventListener("skip", done, { once: true });
  });
}

// "The concierge is typing": three dots until the turn's first own part. Announced once
// (role=status), the dots themselves are hidden from screen readers.
export function typingIndicator() {
  return el("p", { class: "typing", role: "status", "data-typing": "true" },
    el("span", { class: "visually-hidden" }, "The concierge is typing…"),
    el("span", { class: "dots", "aria-hidden": "true" }, el("span"), el("span"), el("span")));
}

// The connection's state in the turn: "Reconnecting…" with "Retry now", or lost with
// "Retry". One node per turn, replaced as the state changes.
export class ConnectionNote {
  constructor(root) {
    this.root = root;
    this.node = null;
    this.skip = new EventTarget();
  }

  show(kind, text, button) {
    const node = el("div", { class: `connection connection-${kind}`, role: kind === "lost" ? "alert" : "status", "data-connection": kind },
      el("span", { class: "connection-text" }, text), button);
    if (this.node?.isConnected) this.node.replaceWith(node);
    else this.root.append(node);
    this.node = node;
    return node;
  }

  reconnecting(attempt) {
    const text = attempt > 1 ? `Reconnecting… (attempt ${attempt})` : "Reconnecting…";
    if (this.node?.isConnected && this.node.dataset.connection === "reconnecting") {
      // The next attempt: the words change, the note and its button stay, so a click on
      // "Retry now" is never lost to a redraw.
      this.node.querySelector(".connection-text").textContent = text;
      return this.node;
    }
    const now = el("button", { type: "button", class: "btn btn-small", "data-action": "retry-now", onclick: () => this.skip.dispatchEvent(new Event("skip")) }, "Retry now");
    return this.show("reconnecting", text, now);
  }

  lost(text, onRetry) {
    const retry = el("button", { type: "button", class: "btn btn-small btn-primary", "data-action": "retry", onclick: () => { this.clear(); onRetry(); } }, "Retry");
    const node = this.show("lost", text, retry);
    queueMicrotask(() => retry.focus());
    return node;
  }

  clear() {
    this.node?.remove();
    this.node = null;
  }
}

// The Stop button lives next to Send and stands in for it while a turn runs.
export function showStop(running) {
  const stop = $("#stop");
  const send = $("#send");
  if (!stop || !send) return;
  stop.hidden = !running;
  stop.disabled = false;
  send.hidden = running;
}

// ------------------------------------------------------------- huge tool outputs

// Past these, a tool output is shown cut rather than drawn whole: a 1 MB output must
// not build thousands of cards or a megabyte of text in the page.
export const OUTPUT_LIMIT_CHARS = 64 * 1024;
export const MAX_OPTIONS = 40;
const PREVIEW_CHARS = 1500;

function sizeOf(output) {
  try {
    return JSON.stringify(output)?.length ?? 0;
  } catch {
    return Infinity;
  }
}

function kb(chars) {
  return chars >= 1024 * 1024 ? `${(chars / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(chars / 1024)} KB`;
}

// {output, cut}: the output with its option lists trimmed to MAX_OPTIONS, and how many
// options were left out (0 when none).
export function trimOptions(output) {
  if (!output || typeof output !== "object" || Array.isArray(output)) return { output, cut: 0 };
  let cut = 0;
  const trimmed = { ...output };
  for (const key of ["options", "offers", "results", "outbound", "return"]) {
    const value = output[key];
    if (Array.isArray(value) && value.length > MAX_OPTIONS) {
      cut += value.length - MAX_OPTIONS;
      trimmed[key] = value.slice(0, MAX_OPTIONS);
    }
  }
  return { output: trimmed, cut };
}

// A card for an output too large to draw: what it was, how big, and its start as text.
export function truncatedCard(name, output) {
  const size = sizeOf(output);
  if (size <= OUTPUT_LIMIT_CHARS) return null;
  let preview = "";
  try {
    preview = JSON.stringify(output).slice(0, PREVIEW_CHARS);
  } catch { /* unserialisable */ }
  const label = `Result of ${String(name || "a tool").replaceAll("_", " ")} (${kb(size)}, shortened)`;
  return el("section", { class: "card tool-output truncated", "aria-label": label, "data-truncated": "true", "data-tool": name || "" },
    el("div", { class: "card-title", "aria-hidden": "true" }, label),
    el("pre", { class: "preview" }, `${preview}…`),
    el("p", { class: "card-note" }, `Only the first ${kb(PREVIEW_CHARS)} of ${kb(size)} is shown.`));
}

// ------------------------------------------------------------- screen readers

// Each card is named once: its aria-label says what it is (from its visible title), and
// the title itself is hidden from screen readers so it is not read a second time.
export function labelCards(root) {
  const cards = root.matches?.(".card") ? [root] : [];
  cards.push(...(root.querySelectorAll?.(".card") || []));
  for (const card of cards) {
    if (card.hasAttribute("aria-label") || card.hasAttribute("aria-labelledby")) {
      card.querySelector(":scope > .card-title, :scope > .card-head > .card-title")?.setAttribute("aria-hidden", "true");
      continue;
    }
    const title = card.querySelector(":scope > .card-title, :scope > .card-head > .card-title");
    const text = title?.textContent.trim();
    if (!text) continue;
    const leg = card.dataset.leg === "return" ? " (return)" : card.dataset.leg === "hotel" ? " (hotel)" : "";
    card.setAttribute("aria-label", `${text}${leg}`);
    title.setAttribute("aria-hidden", "true");
  }
}
