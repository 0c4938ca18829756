// The chat page: vanilla ES modules, no build step; the only third-party code is
// marked and DOMPurify, vendored and pinned (markdown.js, `make vendor`).
//
// It talks to the public HTTP contract only (DESIGN §6): POST /v1/chat answers an
// AI SDK UI message stream (v1) over SSE, read here with fetch + ReadableStream
// because EventSource cannot POST or send an Authorization header.

import { $, el } from "/static/dom.js";
import { renderMarkdown, withMarks } from "/static/markdown.js";
import { clearTrips, dayMarker, initTrips, refreshTrips } from "/static/trips.js";
import { clearApprovals, initApprovals, refreshApprovals } from "/static/approvals.js";
import { initNotifyButton, noticeFor, notifyIfHidden, startEvents, stopEvents } from "/static/events.js";
import { initTheme } from "/static/theme.js";
import {
  ConnectionNote, RECONNECT_DELAYS, labelCards, newProgress, pause, pump, showStop, trimOptions, truncatedCard,
  typingIndicator,
} from "/static/turns.js";

const STORE_TOKEN = "concierge.token";
const STORE_USER = "concierge.user";
const threadKey = (userId) => `concierge.thread.${userId}`;
const APPROVER_ROLES = new Set(["manager", "vp_finance", "executive", "admin"]);
// Tools whose output is a booking (its status and hold expiry).
const BOOKING_TOOLS = new Set(["check_in", "reserve", "confirm_booking", "cancel_booking", "rebook"]);

const state = {
  token: localStorage.getItem(STORE_TOKEN),
  user: JSON.parse(localStorage.getItem(STORE_USER) || "null"),
  threadId: null,
  busy: false,
  turnAbort: null, // the running turn's AbortController (signing out cuts it off)
  turn: null, // the running turn: {view, started, stopWanted} (the Stop button)
  nextAction: null, // a button clicked while the turn was finishing: {action, label}
  // booking id → {status, expires}: what the trips panel last said (a confirmation
  // card for a hold that expired or moved on becomes inert).
  bookings: new Map(),
};

// ---------------------------------------------------------------- helpers

function money(m) {
  if (!m) return "";
  if (typeof m === "string") return m;
  const amount = Number(m.amount);
  const text = Number.isFinite(amount)
    ? amount.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })
    : m.amount;
  return `${text} ${m.currency || ""}`.trim();
}

// Times arrive as ISO-8601 in the airport's local time ("2026-12-18T08:05:00-05:00"):
// show the wall-clock time people read on their ticket, not the browser's zone.
function localTime(iso) {
  if (!iso || typeof iso !== "string") return "";
  const match = iso.match(/T(\d{2}:\d{2})/);
  return match ? match[1] : iso;
}


function localDate(iso) {
  if (!iso || typeof iso !== "string") return "";
  const day = iso.slice(0, 10);
  const date = new Date(`${day}T12:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return date.toLocaleDateString("en-GB", { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" });
}

function duration(minutes) {
  if (!Number.isFinite(minutes)) return "";
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, "0")}m`;
}

function reasonText(v) {
  if (typeof v === "string") return v;
  return v?.message || v?.reason || v?.rule || JSON.stringify(v);
}

function policyBadge(policy) {
  const status = (policy && policy.status) || "unknown";
  const known = ["green", "amber", "red"].includes(status);
  const label = { green: "In policy", amber: "Needs approval", red: "Out of policy" }[status] || "Policy unknown";
  const reasons = (policy?.violations || []).map(reasonText).filter(Boolean);
  const wrap = el("div", { class: "policy" },
    el("span", { class: `badge badge-${known ? status : "neutral"}`, "data-policy": status }, `${status.toUpperCase()} · ${label}`));
  if (reasons.length) wrap.append(el("ul", { class: "reasons" }, reasons.map((r) => el("li", {}, r))));
  return wrap;
}

function setStatus(text) {
  $("#status").textContent = text || "";
}

async function api(path, { method = "GET", body, headers = {} } = {}) {
  const response = await fetch(path, {
    method,
    headers: {
      Authorization: `Bearer ${state.token}`,
      ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
      ...headers,
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  if (response.status === 401) {
    signOut();
    throw new Error("Your session ended; please sign in again.");
  }
  const isJson = (response.headers.get("content-type") || "").includes("json");
  const data = isJson ? await response.json() : null;
  if (!response.ok) {
    const message = data?.detail || data?.title || `${response.status} ${response.statusText}`;
    const error = new Error(message);
    error.code = data?.code;
    throw error;
  }
  return data;
}

// ---------------------------------------------------------------- sign-in

async function loadDemoUsers() {
  const list = $("#signin-users");
  list.replaceChildren();
  let users = [];
  try {
    const response = await fetch("/ui/demo-users");
    users = (await response.json()).users || [];
  } catch {
    users = [];
  }
  $("#signin-empty").hidden = users.length > 0;
  for (const user of users) {
    list.append(el("li", {},
      el("button", {
        type: "button", class: "btn", "data-user": user.id,
        onclick: () => signIn(user),
      }, el("strong", {}, user.name), el("span", { class: "role" }, `${user.title} · ${user.org_name}`))));
  }
  list.querySelector("button")?.focus();
}

function signIn(user) {
  state.token = user.token;
  state.user = { id: user.id, name: user.name, role: user.role, org_name: user.org_name };
  localStorage.setItem(STORE_TOKEN, state.token);
  localStorage.setItem(STORE_USER, JSON.stringify(state.user));
  showApp();
}

function signOut() {
  localStorage.removeItem(STORE_TOKEN);
  localStorage.removeItem(STORE_USER);
  state.token = null;
  state.user = null;
  state.threadId = null;
  $("#app").hidden = true;
  $("#who").hidden = true;
  clearSignedInContent();
  $("#signin").hidden = false;
  loadDemoUsers();
}

// Hiding is not enough: the next person at this browser must find nothing of the
// last one in the document (screen readers and "view source" read hidden nodes too).
// A turn still streaming is cut off so that none of its parts land after this.
function clearSignedInContent() {
  state.turnAbort?.abort();
  state.turnAbort = null;
  state.bookings.clear();
  clearTrips();
  resetLog();
  $("#who-name").textContent = "";
  $("#composer-input").value = "";
  stopEvents();
  clearApprovals();
  $("#threads").replaceChildren();
  $("#threads-empty").hidden = false;
  $("#threads-more").hidden = true;
  threadsCursor = null;
  setStatus("");
}

function showApp() {
  $("#signin").hidden = true;
  $("#app").hidden = false;
  $("#who").hidden = false;
  $("#who-name").textContent = `${state.user.name} (${state.user.role.replace("_", " ")})`;
  state.threadId = localStorage.getItem(threadKey(state.user.id));
  resetLog();
  if (state.threadId) restoreThread(state.threadId);
  refreshThreads();
  $("#approvals-panel").hidden = !APPROVER_ROLES.has(state.user.role);
  refreshTrips();
  if (APPROVER_ROLES.has(state.user.role)) refreshApprovals();
  startEvents({ token: state.token, onEvent: onLiveEvent });
  $("#composer-input").focus();
}

// ---------------------------------------------------------------- the chat log

function resetLog() {
  const hint = $("#log .hint");
  $("#log").replaceChildren(...(hint ? [hint] : []));
}

function appendMessage(role, text) {
  const body = el("div", { class: "text" });
  if (role === "assistant") body.replaceChildren(replyText(text || ""));
  else body.textContent = text || "";
  const msg = el("div", { class: `msg ${role}` }, body);
  $("#log").append(msg);
  scrollLog();
  return msg;
}

function scrollLog() {
  const log = $("#log");
  log.scrollTop = log.scrollHeight;
}

// A conversation from the server (GET /v1/threads/{id}: AI SDK UIMessages) drawn by
// the same code as a live turn: every part goes through TurnView.handle as the chunk
// the stream sent for it, so a reload or another device shows the same cards.
async function restoreThread(threadId) {
  let view;
  try {
    view = await api(`/v1/threads/${encodeURIComponent(threadId)}`);
  } catch {
    // The thread is gone or not ours any more: start afresh.
    forgetThread();
    markCurrentThread();
    return;
  }
  if (state.threadId !== threadId) return; // another conversation was opened meanwhile
  resetLog();
  let pendingShown = false;
  for (const message of view.messages || []) {
    if (message.role === "user") {
      const said = (message.parts || []).filter((p) => p.type === "text").map((p) => p.text).join("\n");
      const action = message.metadata?.action;
      if (action?.type === "select_offer" && action.offer_id) {
        const cards = document.querySelectorAll(`#log .card[data-offer-id="${CSS.escape(action.offer_id)}"]`);
        if (cards.length) markChosen(cards[cards.length - 1]);
      }
      appendMessage("user", action ? actionLabel(action, said) : said);
      continue;
    }
    const turn = new TurnView({ replay: true });
    for (const part of message.parts || []) {
      if (part.type === "data-confirmation" && part.data?.outcome === "pending") pendingShown = true;
      replayPart(turn, part);
    }
    turn.handle({ type: "finish" });
  }
  if (view.pending_confirmation && !pendingShown) renderConfirmation(view.pending_confirmation, null);
  scrollLog();
}

// One stored UIMessage part as the stream chunk(s) that drew it live.
function replayPart(turn, part) {
  if (part.type === "text") {
    const id = `replay-${turn.texts.size}`;
    turn.handle({ type: "text-start", id });
    turn.handle({ type: "text-delta", id, delta: part.text || "" });
    turn.handle({ type: "text-end", id });
  } else if (part.type?.startsWith("tool-")) {
    const toolName = part.type.slice("tool-".length);
    turn.handle({ type: "tool-input-available", toolCallId: part.toolCallId, toolName, input: part.input || {} });
    if (part.state === "output-available") {
      turn.handle({ type: "tool-output-available", toolCallId: part.toolCallId, toolName, output: part.output });
    } else if (part.state === "output-error") {
      turn.handle({ type: "tool-output-error", toolCallId: part.toolCallId, errorText: part.errorText });
    }
  } else if (part.type === "data-confirmation") {
    const { outcome, ...data } = part.data || {};
    turn.handle({ type: "data-confirmation", data });
    if (outcome && outcome !== "pending") {
      const card = turn.root.querySelector(`.card.confirm[data-interrupt-id="${CSS.escape(data.interrupt_id || "")}"]`);
      if (card) retire(card, "answered", outcome === "approved" ? "You confirmed." : "You declined.");
    }
  }
}

function forgetThread() {
  state.threadId = null;
  if (state.user) localStorage.removeItem(threadKey(state.user.id));
}

// One assistant turn: text parts, tool notes, cards and confirmations land in it.
class TurnView {
  // `replay`: drawing a stored conversation, not a live turn (no refreshes, no focus).
  constructor({ replay = false } = {}) {
    this.replay = replay;
    this.root = el("div", { class: "msg assistant", "aria-busy": "true" });
    this.texts = new Map();
    this.tools = new Map();
    this.notes = new Map(); // tool call id → its note: the call's cards go right under it
    this.raw = new Map(); // text id → its markdown so far
    this.dirty = new Set(); // text ids to draw again
    this.frame = 0;
    $("#log").append(this.root);
    // Live: "typing…" until the turn's first own part.
    this.typing = replay ? null : typingIndicator();
    if (this.typing) this.root.append(this.typing);
  }

  idle() {
    this.typing?.remove();
    this.typing = null;
  }

  draw() {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    for (const id of this.dirty) this.texts.get(id)?.replaceChildren(replyText(this.raw.get(id)));
    this.dirty.clear();
  }

  text(id) {
    let node = this.texts.get(id);
    if (!node) {
      node = el("div", { class: "text" });
      this.texts.set(id, node);
      this.root.append(node);
    }
    return node;
  }

  // The server runs a few turns at once; this one waits for a free slot. A transient
  // note: the turn's first own part takes it away.
  queued(data) {
    if (!this.queuedNote) {
      this.queuedNote = el("p", { class: "tool-note queued-note", role: "status" });
      this.root.append(this.queuedNote);
    }
    const ahead = Math.max(0, (Number(data?.position) || 1) - 1);
    this.queuedNote.textContent = ahead
      ? `Many people are asking right now: ${ahead} ${ahead === 1 ? "message is" : "messages are"} ahead of yours…`
      : "Many people are asking right now: yours is next…";
    setStatus("Waiting for the concierge…");
  }

  unqueue() {
    if (!this.queuedNote) return;
    this.queuedNote.remove();
    this.queuedNote = null;
    setStatus("The concierge is working…");
  }

  handle(part) {
    if (part.type !== "start" && part.type !== "data-queued") {
      this.unqueue();
      this.idle();
    }
    switch (part.type) {
      case "data-queued":
        this.queued(part.data);
        break;
      case "start": {
        const threadId = part.messageMetadata?.thread_id || part.messageMetadata?.threadId;
        if (threadId && threadId !== state.threadId) {
          state.threadId = threadId;
          localStorage.setItem(threadKey(state.user.id), threadId);
          markCurrentThread();
        }
        if (!this.replay && state.turn?.view === this) {
          state.turn.started = true;
          if (state.turn.stopWanted) stopTurn();
        }
        break;
      }
      case "text-start":
        this.text(part.id);
        break;
      case "text-delta": {
        this.text(part.id);
        this.raw.set(part.id, (this.raw.get(part.id) || "") + (part.delta || ""));
        this.dirty.add(part.id);
        // Drawn at most once a frame: a long reply in many deltas never re-parses
        // its markdown once per delta.
        if (this.replay) this.draw();
        else if (!this.frame) this.frame = requestAnimationFrame(() => this.draw());
        break;
      }
      case "text-end":
        this.draw();
        break;
      case "tool-input-available": {
        this.tools.set(part.toolCallId, part.toolName);
        const note = el("p", { class: "tool-note", "data-tool": part.toolName }, toolNote(part.toolName, part.input));
        this.notes.set(part.toolCallId, note);
        this.root.append(note);
        break;
      }
      case "tool-output-available": {
        const name = part.toolName || this.tools.get(part.toolCallId);
        // A huge output is shown cut (its first options, or its start as text).
        const { output, cut } = trimOptions(part.output);
        let card = truncatedCard(name, output) || renderToolOutput(name, output);
        if (card && cut) {
          card = el("div", { class: "trimmed" }, card,
            el("p", { class: "tool-note", "data-truncated": "true" }, `${cut} more options are not shown; ask me to narrow the search.`));
        }
        // Under its own call's note: searches that run side by side land in the order
        // they were asked for, live and when the conversation is drawn again.
        if (card) labelCards(card);
        const note = this.notes.get(part.toolCallId);
        if (card && note?.isConnected) note.after(card);
        else if (card) this.root.append(card);
        // The searches run side by side: whichever lands second labels the pair.
        if (this.root.querySelector(".option-group[data-leg=return]")) labelOutbound(this.root);
        if (this.replay) break;
        if (BOOKING_TOOLS.has(name) && part.output?.booking_id) noteBooking(part.output);
        if (BOOKING_TOOLS.has(name)) refreshTrips();
        if (name === "decide_approval") refreshApprovals();
        break;
      }
      case "tool-output-error":
        this.root.append(el("p", { class: "tool-note" }, part.errorText || "The tool failed."));
        break;
      case "data-confirmation": {
        const card = renderConfirmation(part.data || {}, this);
        labelCards(card);
        // Only the newest confirmation is pending: older cards stop taking clicks.
        retireConfirmations("superseded", "A newer confirmation replaced this one.", card);
        this.root.append(card);
        break;
      }
      case "error":
        this.root.append(el("div", { class: "msg error", role: "alert" }, part.errorText || "Something went wrong."));
        break;
      case "finish":
        this.draw();
        this.idle();
        this.root.removeAttribute("aria-busy");
        if (part.messageMetadata?.stopped) this.root.dataset.stopped = "true";
        break;
      default:
        break;
    }
    if (!this.replay) scrollLog();
  }
}

// Past this, a reply is shown cut, with a note, rather than freeze the page.
const REPLY_LIMIT = 100_000;

function replyText(markdown) {
  if (markdown.length <= REPLY_LIMIT) return renderMarkdown(markdown);
  const kb = Math.round((markdown.length - REPLY_LIMIT) / 1024);
  const shown = renderMarkdown(markdown.slice(0, REPLY_LIMIT));
  shown.append(el("p", { class: "tool-note", "data-truncated": "true" }, `… the rest of this reply (${kb} KB) is too long to show here.`));
  return shown;
}

function toolNote(name, input = {}) {
  switch (name) {
    case "search_flights": return `Searching flights ${input.origin || ""} → ${input.destination || ""} on ${input.date || ""}…`;
    case "search_hotels": return `Searching hotels in ${input.city || ""}…`;
    case "reserve": return "Holding your choice…";
    case "confirm_booking": return "Confirming and paying…";
    case "cancel_booking": return "Cancelling…";
    case "decide_approval": return "Recording the decision…";
    case "get_seat_map": return "Reading the seat map…";
    case "choose_seats": return "Choosing seats…";
    default: return `Using ${String(name || "a tool").replaceAll("_", " ")}…`;
  }
}

function optionsOf(output) {
  if (!output) return [];
  if (Array.isArray(output)) return output;
  return output.options || output.offers || output.results || [];
}

function renderToolOutput(name, output) {
  if (name === "search_flights") return renderFlightGroup(output || {});
  if (name === "search_hotels") return renderHotelGroup(output || {});
  if (name === "get_seat_map") return renderSeatMap(output || {});
  return null;
}

// ---------------------------------------------------------------- seat maps

// A booking's seat map (get_seat_map): a grid per flight, each free seat a button that
// sends the seat itself (choose_seats {booking_id, assignments}), never a sentence.
// With several passengers, "Seat for" says whose seat a click chooses.
function renderSeatMap(output) {
  const segments = output.segments || [];
  if (!segments.length) return null;
  return el("section", { class: "seatmaps", "data-booking-id": output.booking_id || "", "aria-label": "Seat map" },
    segments.map((segment) => renderSeatSegment(output.booking_id, segment)));
}

function seatPosition(columns, letter) {
  const letters = columns.replaceAll(" ", "");
  if (letter === letters[0] || letter === letters[letters.length - 1]) return "window";
  const blocks = columns.split(" ");
  const aisle = blocks.some((b, i) => (i > 0 && b[0] === letter) || (i < blocks.length - 1 && b[b.length - 1] === letter));
  return aisle ? "aisle" : "middle";
}

function renderSeatSegment(bookingId, segment) {
  const passengers = segment.passengers || [];
  const picker = passengers.length > 1
    ? el("label", { class: "seat-for" }, "Seat for ",
      el("select", { "data-role": "seat-for" },
        passengers.map((p) => el("option", { value: p.passenger_id }, `${p.name}${p.seat ? ` (${p.seat})` : ""}`))))
    : null;
  const seated = new Map(passengers.filter((p) => p.seat).map((p) => [p.seat, p]));
  const blocks = (segment.columns || "").split(" ");
  const grid = el("div", { class: "seat-grid", role: "group", "aria-label": `Seats on ${segment.flight}` },
    (segment.rows || []).map((row) => el("div", { class: `seat-row${row.exit ? " exit" : ""}`, "data-row": row.row },
      el("span", { class: "row-no" }, String(row.row)),
      blocks.flatMap((block, b) => [
        b > 0 ? el("span", { class: "aisle", "aria-hidden": "true" }) : null,
        ...[...block].map((letter) => seatButton(row, letter)),
      ]))));
  return el("div", {
    class: "card seatmap", "data-booking-id": bookingId || "", "data-segment-id": segment.segment_id || "",
  },
    el("div", { class: "card-head" },
      el("span", { class: "card-title" }, `${segment.flight} ${segment.origin} → ${segment.destination}`),
      el("span", { class: "muted small" }, `${segment.aircraft} · ${segment.cabin} · ${segment.seats_free} free`)),
    picker,
    grid,
    el("p", { class: "muted small seat-legend" },
      "Free seats are buttons. A seat with extra legroom has a fee: the concierge asks before adding it to the trip's price."));

  function seatButton(row, letter) {
    // A short row (towards the tail) lacks some letters: a gap, not a taken seat.
    if (row.seats && !row.seats.includes(letter)) return el("span", { class: "no-seat", "aria-hidden": "true" });
    const seat = `${row.row}${letter}`;
    const mine = seated.get(seat);
    const free = (row.free || "").includes(letter);
    const position = seatPosition(segment.columns || "", letter);
    const paid = !!row.fee;
    const label = `${seat}, ${position}${paid ? `, extra legroom ${money(row.fee)}` : ""}${mine ? `, ${mine.name}` : free ? ", free" : ", taken"}`;
    return el("button", {
      type: "button", class: `seat ${position}${mine ? " mine" : free ? (paid ? " paid" : " free") : " taken"}`,
      "data-seat": seat, "data-segment-id": segment.segment_id || "", "data-position": position,
      "data-action": "choose-seat", "aria-label": label, title: label,
      disabled: !free || !bookingId || !segment.segment_id,
      onclick: (event) => {
        const card = event.currentTarget.closest(".seatmap");
        const who = card.querySelector("[data-role=seat-for]")?.value || passengers[0]?.passenger_id;
        if (!who) return;
        const name = passengers.find((p) => p.passenger_id === who)?.name || "me";
        const action = {
          type: "choose_seats", booking_id: bookingId,
          assignments: [{ segment_id: segment.segment_id, passenger_id: who, seat }],
        };
        if (!sendAction(action, `Seat ${name} in ${seat} on ${segment.flight}`)) return;
        for (const b of card.querySelectorAll("button.seat")) b.disabled = true;
      },
    }, letter);
  }
}

// Outbound and return options are separate, labelled groups. A group without a leg is
// "Flights" until a return group lands in the same turn, which makes it "Outbound".
// Named by its heading (aria-labelledby), so the name is read once, not twice.
let groupIds = 0;
function optionGroup(kind, leg, heading, cards) {
  const id = `group-${++groupIds}`;
  return el("section", { class: `option-group ${kind}`, "data-leg": leg, "aria-labelledby": id },
    el("h3", { class: "group-title", id }, heading), cards);
}

function labelOutbound(root) {
  for (const group of root.querySelectorAll(".option-group.flights[data-leg=outbound]")) {
    const title = group.querySelector(".group-title");
    if (title && title.textContent.startsWith("Flights")) {
      title.textContent = title.textContent.replace(/^Flights/, "Outbound flights");
    }
  }
}

function placeName(p) {
  return typeof p === "string" ? p : p?.name || "";
}

function renderFlightGroup(output) {
  const leg = output.leg === "return" ? "return" : "outbound";
  const route = [placeName(output.origin), placeName(output.destination)].filter(Boolean).join(" → ");
  const heading = `${leg === "return" ? "Return flights" : "Flights"}${route ? ` · ${route}` : ""}${output.date ? ` · ${localDate(output.date)}` : ""}`;
  return optionGroup("flights", leg, heading, renderFlightCards(optionsOf(output), leg, output.note, output.recommended ?? null));
}

function renderHotelGroup(output) {
  const stay = output.check_in ? ` · ${localDate(output.check_in)} → ${localDate(output.check_out)}` : "";
  return optionGroup("hotels", "hotel", `Hotels${output.city ? ` in ${output.city}` : ""}${stay}`,
    renderHotelCards(optionsOf(output), output));
}

// A Book button sends the offer itself (select_offer), never a sentence to re-parse.
// A red option has none: it says why it can't be booked instead.
function bookAction(option, index) {
  const n = option.option ?? index + 1;
  if (option.policy?.status === "red") {
    // The reasons are listed just above, under the badge.
    return el("p", { class: "blocked", "data-blocked": "policy" },
      "Can't be booked: it is outside company travel policy.");
  }
  return el("button", {
    type: "button", class: "btn btn-primary", "data-action": "book", "data-option": n,
    "data-offer-id": option.offer_id,
    onclick: (event) => {
      const card = event.currentTarget.closest(".card");
      if (!sendAction({ type: "select_offer", offer_id: option.offer_id }, cardLabel(card))) return;
      markChosen(card);
    },
  }, `Book option ${n}`);
}

// What the log says for a click: made from the card or the action alone, so that the
// same words come back when the conversation is drawn again from the server.
function cardLabel(card) {
  const leg = card.dataset.leg;
  const outbound = card.closest(".option-group")?.querySelector(".group-title")?.textContent.startsWith("Outbound");
  const kind = leg === "hotel" ? "hotel" : leg === "return" ? "return" : outbound ? "outbound" : "flight";
  return `Book ${card.dataset.label || card.dataset.offerId} (${kind})`;
}

function actionLabel(action, fallback = "") {
  if (action?.type === "select_offer") {
    const cards = document.querySelectorAll(`#log .card[data-offer-id="${CSS.escape(action.offer_id || "")}"]`);
    return cards.length ? cardLabel(cards[cards.length - 1]) : fallback || `Book ${action.offer_id}`;
  }
  if (action?.type === "cancel_booking") return `Cancel trip ${action.booking_id}`;
  if (action?.type === "seat_map") return `Choose seats on ${action.booking_id}`;
  if (action?.type === "check_in") return `Check in ${action.booking_id}`;
  if (action?.type === "choose_seats") {
    return fallback || `Seat ${(action.assignments || []).map((a) => a.seat).join(", ")} on ${action.booking_id}`;
  }
  if (action?.type === "decide_approval") {
    return `${action.decision === "reject" ? "Reject" : "Approve"} ${action.approval_id}${action.note ? `: ${action.note}` : ""}`;
  }
  return fallback;
}

// The option picked in its group (one per group: a later pick replaces it).
function markChosen(card) {
  for (const other of card.parentElement.querySelectorAll(".card.selected")) {
    other.classList.remove("selected");
    other.querySelector(".chosen")?.remove();
  }
  card.classList.add("selected");
  card.querySelector(".card-head").append(el("span", { class: "chosen" }, "Chosen"));
}

// Takes the search_flights tool's options ({flights, carrier, origin, depart, ...})
// and also the REST offer shape ({segments: [...]}) so both can be shown alike.
function flightFacts(o) {
  const segs = o.segments || o.legs || [];
  if (!segs.length) {
    return {
      title: (o.flights || []).join(" + ") || o.carrier || "",
      airline: o.carrier && (o.flights || []).length ? o.carrier : "",
      route: [o.origin, o.via, o.destination].filter(Boolean).join(" → "),
      depart: o.depart, arrive: o.arrive, stops: o.stops ?? 0,
      duration: o.duration || "", cabin: o.cabin || "",
    };
  }
  const first = segs[0];
  const last = segs[segs.length - 1];
  return {
    title: segs.map((s) => `${s.carrier || ""} ${s.number || ""}`.trim()).join(" + "),
    airline: first.carrier_name || "",
    route: [first.origin, ...segs.map((s) => s.destination)].filter(Boolean).join(" → "),
    depart: first.depart_at, arrive: last.arrive_at, stops: o.stops ?? segs.length - 1,
    duration: o.duration_minutes ? duration(o.duration_minutes) : "", cabin: o.cabin || first.cabin || "",
  };
}

// How many options a group shows before "Show more".
const SHOWN_OPTIONS = 3;
const POLICY_RANK = { green: 0, amber: 1, red: 2 };

// The tool's options, [option, index] pairs: the recommended one first (unless it can't
// be booked), then in policy, needing approval, out of policy — each in the tool's
// order. Cards keep the tool's numbers, so "option 3" typed still means the same one.
function compliantFirst(options, recommended) {
  const rank = ([o, i]) => {
    const status = o.policy?.status;
    if (recommended != null && (o.option ?? i + 1) === recommended && status !== "red") return -1;
    return POLICY_RANK[status] ?? 1;
  };
  return options.map((o, i) => [o, i]).sort((a, b) => rank(a) - rank(b) || a[1] - b[1]);
}

function recommendedBadge(o, i, recommended) {
  if (recommended == null || (o.option ?? i + 1) !== recommended) return null;
  return el("span", { class: "badge badge-recommended", "data-recommended": "true" }, "Recommended");
}

// The first SHOWN_OPTIONS cards, and a button that shows the rest.
function cardList(label, cards) {
  const list = el("ol", { class: "cards", "aria-label": label }, cards);
  const rest = cards.slice(SHOWN_OPTIONS);
  if (!rest.length) return list;
  for (const card of rest) card.hidden = true;
  const more = el("button", {
    type: "button", class: "link show-more", "data-action": "show-more", "aria-expanded": "false",
    onclick: () => {
      for (const card of rest) card.hidden = false;
      more.remove();
      rest[0].querySelector("button, [tabindex]")?.focus();
    },
  }, `Show ${rest.length} more`);
  return [list, more];
}

function renderFlightCards(options, leg = "outbound", note = "", recommended = null) {
  if (!options.length) return el("p", { class: "tool-note" }, note || "No flights match.");
  return cardList(leg === "return" ? "Return flight options" : "Flight options", compliantFirst(options, recommended).map(([o, i]) => {
    const f = flightFacts(o);
    return el("li", {
      class: "card flight", "data-offer-id": o.offer_id, "data-leg": leg, "data-policy": o.policy?.status,
      "data-label": `${f.title} ${localTime(f.depart)}`,
    },
      el("div", { class: "card-head" },
        el("span", { class: "card-title" }, `${o.option ?? i + 1}. ${f.title}`, f.airline ? el("span", { class: "muted" }, ` · ${f.airline}`) : null),
        recommendedBadge(o, i, recommended),
        el("span", { class: "price" }, money(o.total || o.price))),
      el("div", { class: "facts" },
        el("span", {}, f.route),
        el("span", { class: "times" }, `${localDate(f.depart)} ${localTime(f.depart)} → ${localTime(f.arrive)}`,
          o.depart && o.arrive && dayMarker(o.depart, o.arrive) ? el("span", { class: "day-marker", title: "arrives on a later day" }, ` ${dayMarker(o.depart, o.arrive)}`) : null),
        el("span", {}, f.stops === 0 ? "Direct" : `${f.stops} stop${f.stops > 1 ? "s" : ""}`),
        f.duration ? el("span", {}, f.duration) : null,
        el("span", {}, f.cabin),
        o.co2_kg !== undefined ? el("span", {}, `${o.co2_kg} kg CO₂`) : null,
        o.seats_left !== undefined ? el("span", {}, `${o.seats_left} seats left`) : null),
      policyBadge(o.policy),
      el("div", { class: "card-actions" }, bookAction(o, i)));
  }));
}

function renderHotelCards(options, search = {}) {
  if (!options.length) return el("p", { class: "tool-note" }, search.note || "No hotels match.");
  const recommended = search.recommended ?? null;
  return cardList("Hotel options", compliantFirst(options, recommended).map(([o, i]) =>
    el("li", {
      class: "card hotel", "data-offer-id": o.offer_id, "data-leg": "hotel", "data-policy": o.policy?.status,
      "data-label": o.name || o.hotel_id,
    },
      el("div", { class: "card-head" },
        el("span", { class: "card-title" }, `${o.option ?? i + 1}. ${o.name || o.hotel_id}`),
        recommendedBadge(o, i, recommended),
        el("span", { class: "price" }, money(o.total))),
      el("div", { class: "facts" },
        o.stars ? el("span", {}, "★".repeat(o.stars)) : null,
        el("span", {}, o.city || ""),
        el("span", {}, `${localDate(o.check_in || search.check_in)} → ${localDate(o.check_out || search.check_out)}`),
        o.nights ? el("span", {}, `${o.nights} night${o.nights > 1 ? "s" : ""}`) : null,
        o.nightly ? el("span", {}, `${money(o.nightly)} / night`) : null,
        o.rooms_left !== undefined ? el("span", {}, `${o.rooms_left} rooms left`) : null),
      policyBadge(o.policy),
      el("div", { class: "card-actions" }, bookAction(o, i)))));
}

// A confirmation card answers exactly one interrupt. Once it is no longer pending —
// answered, replaced by a newer one, declined by a later message, or its hold
// expired — it becomes inert and says why.
function renderConfirmation(data, turn) {
  const args = data.action?.args || {};
  const card = el("div", {
    class: "card confirm", role: "group", "aria-label": "Confirmation needed",
    "data-interrupt-id": data.interrupt_id, "data-state": "pending",
    "data-tool": data.action?.tool,
    "data-booking-id": data.action?.tool === "confirm_booking" ? args.booking_id : null,
  });
  const answer = async (approved) => {
    if (card.dataset.state !== "pending" || state.busy) return;
    card.dataset.state = "answering"; // not "pending": a card arriving meanwhile leaves it be
    for (const b of card.querySelectorAll("button")) b.disabled = true;
    const result = await streamTurn(
      { thread_id: state.threadId, action: { type: "confirm", interrupt_id: data.interrupt_id, approved } },
      { answering: card });
    card.dataset.state = "pending";
    if (result.ok) retire(card, "answered", approved ? "You confirmed." : "You declined.");
    else if (result.code === "CONFIRMATION_NOT_PENDING") retire(card, "stale", "No longer pending: it was already answered or replaced.");
    else for (const b of card.querySelectorAll("button")) b.disabled = false;
  };
  const confirmBtn = el("button", { type: "button", class: "btn btn-good", "data-action": "confirm", onclick: () => answer(true) }, "Confirm");
  card.append(
    el("div", { class: "card-title" }, "Please confirm"),
    el("p", {}, data.summary || "Go ahead?"),
    el("div", { class: "card-actions" },
      confirmBtn,
      el("button", { type: "button", class: "btn btn-bad", "data-action": "decline", onclick: () => answer(false) }, "Cancel")));
  if (!turn) $("#log").append(card);
  // The decision is the next thing to do: put the keyboard on it.
  if (!turn?.replay) queueMicrotask(() => confirmBtn.focus());
  return card;
}

function retire(card, why, text) {
  if (card.dataset.state !== "pending") return;
  card.dataset.state = why;
  card.classList.add("done");
  card.querySelector(".card-actions")?.remove();
  card.append(el("p", { class: "card-note", role: "status" }, text));
}

function retireConfirmations(why, text, except = null) {
  for (const card of document.querySelectorAll(".card.confirm[data-state=pending]")) {
    if (card !== except) retire(card, why, text);
  }
}

// A hold that expired (or a booking that moved on) leaves nothing to confirm.
function expireConfirmations() {
  for (const card of document.querySelectorAll(".card.confirm[data-state=pending][data-booking-id]")) {
    const booking = state.bookings.get(card.dataset.bookingId);
    if (!booking) continue;
    if (booking.status !== "held") {
      retire(card, "moved-on", `No longer pending: ${card.dataset.bookingId} is ${String(booking.status).replaceAll("_", " ")}.`);
    } else if (booking.expires && Date.parse(booking.expires) <= Date.now()) {
      retire(card, "expired", "No longer pending: the hold expired.");
    }
  }
}

function noteBooking(b) {
  state.bookings.set(b.booking_id, { status: b.status, expires: b.hold_expires_at || null });
}

// ---------------------------------------------------------------- streaming

// The message shows at once (optimistic), marked pending until the server takes it.
function sendMessage(text) {
  if (state.busy) return false;
  const sent = appendMessage("user", text);
  sent.dataset.pending = "true";
  const body = { message: text };
  if (state.threadId) body.thread_id = state.threadId;
  streamTurn(body, { sent });
  return true;
}

// A button's structured action (DESIGN §6.1): what was clicked, never text to re-parse.
// `label` is only what the log shows for it (by default, actionLabel's).
function sendAction(action, label = actionLabel(action)) {
  if (state.busy) {
    // A click while the answer is still finishing (its cards are already drawn): sent as
    // soon as the answer ends, not dropped. One at a time.
    if (!state.turn || state.nextAction) return false;
    state.nextAction = { action, label };
    setStatus("Your choice goes as soon as this answer ends…");
    return true;
  }
  const sent = appendMessage("user", label);
  sent.dataset.pending = "true";
  const body = { action };
  if (state.threadId) body.thread_id = state.threadId;
  streamTurn(body, { sent });
  return true;
}

async function problemOf(response) {
  let text = `${response.status} ${response.statusText}`;
  let code = null;
  try {
    const problem = await response.json();
    text = problem.detail || problem.title || text;
    code = problem.code || null;
  } catch { /* not JSON */ }
  return { text, code };
}

const SSE_HEADERS = () => ({ Authorization: `Bearer ${state.token}`, Accept: "text/event-stream" });

// Returns {ok, code}: whether the turn started, and the problem's code if it did not.
// The turn runs on the server whatever happens to this connection: when it drops, the
// page picks the stream up again after the last event it saw (Last-Event-ID), waiting
// out a restart; a turn the server no longer has (it restarted) is replaced by what the
// conversation saved. Retry sends the same body again.
async function streamTurn(body, { answering = null, sent = null } = {}) {
  if (state.busy) return { ok: false, code: "BUSY" };
  state.busy = true;
  let result = { ok: false, code: null };
  $("#send").disabled = true;
  showStop(true);
  setStatus("The concierge is working…");
  const turn = new TurnView();
  const link = new ConnectionNote(turn.root);
  const progress = newProgress();
  const abort = new AbortController();
  state.turnAbort = abort;
  state.turn = { view: turn, started: false, stopWanted: false };
  const retry = () => {
    turn.root.remove();
    sent?.removeAttribute("data-unsent");
    streamTurn(body, { answering, sent });
  };
  try {
    let response;
    try {
      response = await fetch("/v1/chat", {
        method: "POST",
        signal: abort.signal,
        headers: { ...SSE_HEADERS(), "Content-Type": "application/json" },
        // This page draws search results as cards: the reply's text need not list them.
        body: JSON.stringify({ ...body, cards: true }),
      });
    } catch (err) {
      if (abort.signal.aborted) return result;
      // Not even an answer: the message may not have reached the server.
      turn.idle();
      sent?.setAttribute("data-unsent", "true");
      link.lost("Couldn't reach the concierge. Your message was not answered.", retry);
      return result;
    }
    if (!response.ok || !response.body) {
      const problem = await problemOf(response);
      result = { ok: false, code: problem.code };
      if (response.status === 404 && body.thread_id && !body.action) forgetThread();
      turn.handle({ type: "error", errorText: problem.text });
      if (response.status >= 500 || response.status === 429) link.lost("The concierge could not take your message just now.", retry);
      return result;
    }
    result = { ok: true, code: null };
    sent?.removeAttribute("data-pending");
    // The turn started: anything else still waiting for a yes was declined by it.
    if (!answering) retireConfirmations("superseded", "No longer pending: your next message declined it.");
    await pump(response, (part) => turn.handle(part), progress);
    await reconnect(turn, link, progress, abort);
    if (abort.signal.aborted) return result; // signed out: the turn's page is gone
    if (!progress.finished) {
      turn.idle();
      // Retry: pick the turn up again where it was; one that never started is sent again.
      const again = progress.lastEventId && state.threadId ? () => resume(turn, link, progress) : retry;
      link.lost("Lost the connection to the concierge. Your trips panel shows what was done.", again);
    }
  } finally {
    turn.idle();
    turn.root.removeAttribute("aria-busy");
    turn.root.dataset.lastEventId = progress.lastEventId || "";
    state.busy = false;
    state.turn = null;
    showStop(false);
    $("#send").disabled = false;
    if (state.turnAbort === abort) state.turnAbort = null;
    if (!abort.signal.aborted) afterTurn(turn);
    const next = state.nextAction;
    state.nextAction = null;
    if (next && !abort.signal.aborted && progress.finished) queueMicrotask(() => sendAction(next.action, next.label));
  }
  return result;
}

// After a drop: resume from the last event seen, with growing waits. Returns when the
// turn finished, the page gave up, or the server no longer has the turn (it restarted:
// then the conversation is drawn again from what it saved).
async function reconnect(turn, link, progress, abort) {
  for (let attempt = 1; !progress.finished && attempt <= RECONNECT_DELAYS.length; attempt++) {
    if (abort.signal.aborted || !state.threadId) return;
    link.reconnecting(attempt);
    setStatus("Reconnecting…");
    await pause(RECONNECT_DELAYS[attempt - 1], abort.signal, link.skip);
    if (abort.signal.aborted) return;
    let resumed;
    try {
      const headers = SSE_HEADERS();
      if (progress.lastEventId) headers["Last-Event-ID"] = progress.lastEventId;
      resumed = await fetch(`/v1/threads/${encodeURIComponent(state.threadId)}/stream`, { headers, signal: abort.signal });
    } catch {
      continue; // the server is still away
    }
    if (resumed.status === 404) {
      // The server restarted and forgot the turn: show what the conversation kept.
      link.clear();
      setStatus("");
      await restoreThread(state.threadId);
      progress.finished = true;
      const note = new ConnectionNote($("#log"));
      note.show("restarted", "The concierge restarted while answering; this is what was saved. Ask again if something is missing.");
      return;
    }
    if (resumed.status === 401) return signOut();
    if (!resumed.ok || !resumed.body) continue; // 5xx while it starts: try again
    link.clear();
    progress.dropped = null;
    setStatus("The concierge is working…");
    await pump(resumed, (part) => turn.handle(part), progress);
  }
  link.clear();
}

// "Retry" after the page gave up reconnecting: the same, once more.
async function resume(turn, link, progress) {
  if (state.busy) return;
  state.busy = true;
  const abort = new AbortController();
  state.turnAbort = abort;
  $("#send").disabled = true;
  showStop(true);
  try {
    await reconnect(turn, link, progress, abort);
    if (!progress.finished && !abort.signal.aborted) {
      link.lost("Still no connection to the concierge.", () => resume(turn, link, progress));
    }
  } finally {
    state.busy = false;
    showStop(false);
    $("#send").disabled = false;
    if (state.turnAbort === abort) state.turnAbort = null;
    if (!abort.signal.aborted && progress.finished) afterTurn(turn);
  }
}

// The Stop button: the server stops the turn between effects (a payment already under
// way finishes); the stream then ends with `finish` marked stopped.
async function stopTurn() {
  const running = state.turn;
  if (!running) return;
  $("#stop").disabled = true;
  setStatus("Stopping…");
  if (!running.started || !state.threadId) {
    running.stopWanted = true; // sent as soon as the turn has a thread
    return;
  }
  try {
    await api(`/v1/threads/${encodeURIComponent(state.threadId)}/stop`, { method: "POST" });
  } catch (err) {
    setStatus(`Could not stop: ${err.message}`);
    $("#stop").disabled = false;
  }
}

function afterTurn(turn) {
  setStatus("");
  refreshThreads();
  refreshTrips();
  if (APPROVER_ROLES.has(state.user?.role)) refreshApprovals();
  // Keep the keyboard where the next step is: a pending confirmation, else the box.
  const pending = turn.root.querySelector(".card.confirm[data-state=pending] [data-action=confirm]");
  (pending || $("#composer-input")).focus();
}

// ---------------------------------------------------------------- conversations

let threadsCursor = null;

function newThread() {
  if (state.busy) return;
  forgetThread();
  resetLog();
  markCurrentThread();
  $("#composer-input").focus();
}

function openThread(threadId) {
  if (state.busy || !state.user) return;
  state.threadId = threadId;
  localStorage.setItem(threadKey(state.user.id), threadId);
  markCurrentThread();
  resetLog();
  restoreThread(threadId);
}

function markCurrentThread() {
  for (const item of document.querySelectorAll("#threads .thread")) {
    item.setAttribute("aria-current", String(item.dataset.threadId === state.threadId));
  }
}

function when(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const sameDay = date.toDateString() === new Date().toDateString();
  return sameDay
    ? date.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" })
    : date.toLocaleDateString("en-GB", { day: "numeric", month: "short" });
}

// The caller's conversations from the server, newest activity first; "Show older"
// follows the cursor.
async function refreshThreads({ more = false } = {}) {
  if (!state.token) return;
  const token = state.token;
  const query = more && threadsCursor ? `&cursor=${encodeURIComponent(threadsCursor)}` : "";
  let page;
  try {
    page = await api(`/v1/threads?limit=30${query}`);
  } catch (err) {
    setStatus(err.message);
    return;
  }
  if (state.token !== token) return; // signed out meanwhile
  const items = (page.threads || []).map(renderThreadItem);
  if (more) $("#threads").append(...items);
  else $("#threads").replaceChildren(...items);
  threadsCursor = page.next_cursor || null;
  $("#threads-more").hidden = !threadsCursor;
  $("#threads-empty").hidden = $("#threads").children.length > 0;
  markCurrentThread();
}

function renderThreadItem(t) {
  const title = t.title || "Untitled conversation";
  const item = el("li", { class: "thread", "data-thread-id": t.thread_id });
  const open = el("button", {
    type: "button", class: "thread-open", "data-action": "open-thread", title,
    onclick: () => openThread(t.thread_id),
  }, el("span", { class: "thread-title" }, title), el("span", { class: "thread-when" }, when(t.last_activity_at)));
  const rename = el("button", {
    type: "button", class: "btn btn-quiet", "data-action": "rename-thread", "aria-label": `Rename “${title}”`,
    onclick: () => startRename(item, t),
  }, "Rename");
  const remove = el("button", {
    type: "button", class: "btn btn-quiet", "data-action": "delete-thread", "aria-label": `Delete “${title}”`,
    onclick: () => deleteThread(t),
  }, "Delete");
  item.append(open, el("span", { class: "thread-tools" }, rename, remove));
  return item;
}

function startRename(item, t) {
  const input = el("input", {
    class: "thread-rename", type: "text", maxlength: "200", value: t.title || "",
    "aria-label": "New title",
  });
  const finish = async (save) => {
    input.disabled = true;
    if (save && input.value.trim() && input.value.trim() !== t.title) {
      try {
        await api(`/v1/threads/${encodeURIComponent(t.thread_id)}`, { method: "PATCH", body: { title: input.value } });
      } catch (err) {
        setStatus(err.message);
      }
    }
    refreshThreads();
  };
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") finish(true);
    else if (event.key === "Escape") finish(false);
  });
  input.addEventListener("blur", () => { if (!input.disabled) finish(true); });
  item.replaceChildren(input);
  input.focus();
  input.select();
}

async function deleteThread(t) {
  if (!window.confirm(`Delete “${t.title || "this conversation"}”? It can't be opened again.`)) return;
  try {
    await api(`/v1/threads/${encodeURIComponent(t.thread_id)}`, { method: "DELETE" });
  } catch (err) {
    setStatus(err.message);
  }
  if (state.threadId === t.thread_id) newThread();
  refreshThreads();
}

// ---------------------------------------------------------------- trips (trips.js)

// What the trips panels last said of each booking (a confirmation card for a hold
// that expired or moved on becomes inert).
function noteTrips(trips) {
  for (const t of trips) noteBooking({ booking_id: t.booking_id, status: t.status, hold_expires_at: t.hold?.expires_at });
}

// ---------------------------------------------------------------- live updates (events.js)

// A change pushed by the server (GET /v1/events): the lists it moves are drawn again,
// and what it tells the person lands in the conversation.
function onLiveEvent(event) {
  if (event.topic.startsWith("approval.") && APPROVER_ROLES.has(state.user?.role)) refreshApprovals();
  // A trip's own move redraws the trips even when only watched (a rejection's
  // "cancelled": the decision already said so in the conversation).
  if (event.booking_id && (!event.watching || event.topic.startsWith("booking."))) refreshTrips();
  const notice = noticeFor(event);
  if (notice && !document.querySelector(`#log [data-event-id="${CSS.escape(String(event.id))}"]`)) {
    $("#log").append(notice);
    scrollLog();
  }
  notifyIfHidden(event);
}

// ---------------------------------------------------------------- wiring

function init() {
  initTheme();
  initNotifyButton($("#notify-toggle"));
  initApprovals({
    api, setStatus,
    token: () => state.token,
    canApprove: () => APPROVER_ROLES.has(state.user?.role),
  });
  initTrips({
    api, sendAction, setStatus,
    token: () => state.token,
    onTrips: noteTrips,
    onTick: expireConfirmations,
  });
  const hintDay = new Date(Date.now() + 21 * 86400000).toISOString().slice(0, 10);
  $("#hint-date").textContent = hintDay;

  $("#composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("#composer-input");
    const text = input.value.trim();
    if (!text || state.busy) return;
    input.value = "";
    sendMessage(text);
  });
  $("#composer-input").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $("#composer").requestSubmit();
    }
  });
  $("#sign-out").addEventListener("click", signOut);
  $("#stop").addEventListener("click", stopTurn);
  // Escape stops the running turn from anywhere in the conversation.
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && state.turn && !$("#stop").hidden) stopTurn();
  });
  $("#new-thread").addEventListener("click", newThread);
  $("#threads-new").addEventListener("click", newThread);
  $("#threads-more").addEventListener("click", () => refreshThreads({ more: true }));
  $("#trips-refresh").addEventListener("click", refreshTrips);
  $("#approvals-refresh").addEventListener("click", refreshApprovals);
  // Other tabs (or the manager's decision) change trips: refresh when we come back.
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && state.token) {
      refreshTrips();
      refreshApprovals();
    }
  });

  if (state.token && state.user) showApp();
  else loadDemoUsers();
}

init();
