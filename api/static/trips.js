// Trips: "My trips" and, for managers, "Team trips" (GET /v1/trips), one view per
// booking. The server decides everything that is a rule — local times and the "+1",
// money in words, which actions are allowed now —; this module only draws it and
// counts the hold down. Actions that change money or bookings are the chat's
// structured actions (POST /v1/chat `action`), so they pass the same confirmation gate.

import { $, el } from "/static/dom.js";

let deps = null; // {api, token, sendAction, setStatus, onTrips, onTick}
let skewMs = 0; // the server's clock minus this browser's, at the last refresh
let timer = null;
const PAGE = 20;
// Each list's `next_cursor` (GET /v1/trips is paged, newest first).
const lists = {
  mine: { list: "#trips", empty: "#trips-empty", more: "#trips-more", cursor: null },
  team: { list: "#team-trips", empty: "#team-trips-empty", more: "#team-trips-more", cursor: null },
};

export function initTrips(options) {
  deps = options;
  for (const scope of Object.keys(lists)) {
    $(lists[scope].more).addEventListener("click", () => showOlder(scope));
  }
}

// ---------------------------------------------------------------- words and clocks

// A span as people say it ("2 days", "3 hours", "15 minutes"), as the server says it
// (core.trips.service.in_words): never a clock like "47h 59:59".
export function inWords(seconds) {
  if (seconds < 60) return "less than a minute";
  const minutes = Math.floor(seconds / 60 + 0.5);
  if (minutes < 90) return `${minutes} minute${minutes !== 1 ? "s" : ""}`;
  const hours = Math.floor(seconds / 3600 + 0.5);
  if (hours < 36) return `${hours} hours`;
  return `${Math.floor(seconds / 86400 + 0.5)} days`;
}

// The ticket's "+1": how many local dates a flight's arrival is after its departure,
// from two local times with their offsets (a search option's `depart` and `arrive`);
// "" on the same day.
export function dayMarker(departLocal, arriveLocal) {
  const day = (iso) => Date.parse(`${(iso || "").slice(0, 10)}T00:00:00Z`);
  const days = Math.round((day(arriveLocal) - day(departLocal)) / 86_400_000);
  if (!Number.isFinite(days) || days === 0) return "";
  return days > 0 ? `+${days}` : `${days}`;
}

function holdText(expiresAt) {
  const left = (Date.parse(expiresAt) - (Date.now() + skewMs)) / 1000;
  return left > 0 ? `Hold expires in ${inWords(left)}` : "Hold expired";
}

// Local times arrive with their offset ("2026-12-18T18:30:00-05:00"): the wall clock
// is in the string itself, whatever this browser's zone.
const wallTime = (iso) => (iso || "").slice(11, 16);
const offsetOf = (iso) => {
  const m = (iso || "").match(/(Z|[+-]\d{2}:\d{2})$/);
  return m ? (m[1] === "Z" ? "UTC+00:00" : `UTC${m[1]}`) : "";
};

function dayLabel(isoDate) {
  const day = (isoDate || "").slice(0, 10);
  const date = new Date(`${day}T12:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return date.toLocaleDateString("en-GB", { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" });
}

function span(minutes) {
  return Number.isFinite(minutes) ? `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, "0")}m` : "";
}

// ---------------------------------------------------------------- loading

export async function refreshTrips() {
  const token = deps?.token();
  if (!token) return;
  let mine;
  let team = null;
  try {
    mine = await deps.api(`/v1/trips?limit=${PAGE}`);
    if (mine.has_team) team = await deps.api(`/v1/trips?scope=team&limit=${PAGE}`);
  } catch (err) {
    deps.setStatus(err.message);
    return;
  }
  // Signed out (or in as someone else) meanwhile: these trips are not for this page.
  if (deps.token() !== token) return;
  skewMs = Date.parse(mine.now) - Date.now();
  drawList("mine", mine, false);
  $("#team-trips-panel").hidden = !mine.has_team;
  drawList("team", team || { trips: [], next_cursor: null }, false);
  deps.onTrips([...mine.trips, ...(team ? team.trips : [])]);
  tick();
  clearInterval(timer);
  timer = setInterval(tick, 1000);
}

export function clearTrips() {
  clearInterval(timer);
  timer = null;
  for (const l of Object.values(lists)) {
    $(l.list).replaceChildren();
    $(l.empty).hidden = false;
    $(l.more).hidden = true;
    l.cursor = null;
  }
  $("#team-trips-panel").hidden = true;
}

async function showOlder(scope) {
  const l = lists[scope];
  const token = deps.token();
  if (!l.cursor || !token) return;
  try {
    const page = await deps.api(`/v1/trips?scope=${scope}&limit=${PAGE}&cursor=${encodeURIComponent(l.cursor)}`);
    if (deps.token() !== token) return;
    drawList(scope, page, true);
    deps.onTrips(page.trips);
    tick();
  } catch (err) {
    deps.setStatus(err.message);
  }
}

function drawList(scope, page, append) {
  const l = lists[scope];
  const list = $(l.list);
  // A trip the reader had opened or closed stays so across refreshes.
  const was = new Map([...list.querySelectorAll(".trip")].map((t) => [t.dataset.bookingId, t.open]));
  const views = page.trips.map((t) => tripView(t, was.get(t.booking_id)));
  if (append) list.append(...views);
  else list.replaceChildren(...views);
  l.cursor = page.next_cursor || null;
  $(l.more).hidden = !l.cursor;
  $(l.empty).hidden = list.children.length > 0;
}

function tick() {
  deps?.onTick();
  for (const node of document.querySelectorAll(".trip .countdown[data-expires]")) {
    const text = holdText(node.dataset.expires);
    if (node.textContent !== text) node.textContent = text;
  }
}

// ---------------------------------------------------------------- one trip

const ACTIVE = new Set(["held", "pending_approval", "confirming", "pending_confirmation", "confirmed", "requires_attention"]);

function tripView(t, wasOpen) {
  // Open at first: one's own trips still to come; of a team's, only those waiting for a
  // decision (a manager's list is long, and what waits on them is in the inbox above).
  const upcoming = ACTIVE.has(t.status) && (t.ends || "9999") >= new Date(Date.now() + skewMs).toISOString().slice(0, 10);
  const open = wasOpen ?? (t.whose === "team" ? upcoming && t.status === "pending_approval" : upcoming);
  const dates = t.starts ? `${dayLabel(t.starts)}${t.ends && t.ends !== t.starts ? ` – ${dayLabel(t.ends)}` : ""}` : "";
  const summary = el("summary", { class: "trip-summary" },
    el("span", { class: "trip-title" }, t.title),
    el("span", { class: `trip-status status-${t.status}` }, t.status_text),
    el("span", { class: "trip-when muted" }, [dates, t.whose === "team" ? t.traveler.name : null].filter(Boolean).join(" · ")),
    t.hold ? el("span", { class: "countdown", "data-expires": t.hold.expires_at }, t.hold.text) : null);
  const body = el("div", { class: "trip-body" },
    el("div", { class: "facts" },
      el("span", { class: "trip-ref" }, t.booking_id),
      el("span", { class: "trip-total", "data-amount": t.total.amount }, t.total_text),
      t.whose !== "mine" ? el("span", {}, `for ${t.traveler.name}`) : null,
      t.booked_by ? el("span", {}, `booked by ${t.booked_by.name}`) : null),
    el("ul", { class: "segments" }, t.entries.map(entryView)),
    guestsView(t),
    policyView(t),
    el("p", { class: "payment", "data-payment": t.payment.state }, t.payment.text),
    t.change ? el("p", { class: "change-note" }, t.change) : null,
    t.outcome ? el("p", { class: "change-note", "data-outcome": "" }, t.outcome) : null,
    t.disrupted ? el("p", { class: "change-note" }, "The airline changed a flight of this trip: ask the concierge for alternatives.") : null,
    actionsView(t));
  return el("details", {
    class: "trip", open: open || null,
    "data-booking": t.booking_id, "data-booking-id": t.booking_id, "data-status": t.status, "data-whose": t.whose,
  }, summary, body);
}

function entryView(e) {
  const ref = e.locator ? el("span", { class: "entry-ref" }, `Ref ${e.locator}`) : null;
  if (e.kind === "hotel") {
    const sameZone = offsetOf(e.start) === offsetOf(e.end);
    return el("li", { class: "entry", "data-kind": "hotel", "data-segment-id": e.segment_id },
      el("div", { class: "entry-head" }, el("span", { class: "entry-title" }, e.title), ref),
      el("div", { class: "entry-when" },
        `${dayLabel(e.start)} ${wallTime(e.start)}${sameZone ? "" : ` (${offsetOf(e.start)})`} → ${dayLabel(e.end)} ${wallTime(e.end)} (${offsetOf(e.end)})`),
      el("div", { class: "entry-meta muted" },
        `${e.nights} night${e.nights === 1 ? "" : "s"} · ${e.rooms} room${e.rooms === 1 ? "" : "s"} · ${e.address}`),
      peopleView(e.guests));
  }
  const marker = e.day_marker
    ? el("span", { class: "day-marker", title: `arrives ${Math.abs(e.arrives_days_later)} day${Math.abs(e.arrives_days_later) === 1 ? "" : "s"} ${e.arrives_days_later > 0 ? "later" : "earlier"}` }, e.day_marker)
    : null;
  const cancelled = e.status === "cancelled" || e.flight_status === "cancelled";
  return el("li", { class: `entry${cancelled ? " cancelled" : ""}`, "data-kind": "flight", "data-segment-id": e.segment_id },
    el("div", { class: "entry-head" }, el("span", { class: "entry-title" }, e.title), ref),
    el("div", { class: "entry-when" },
      `${dayLabel(e.start)} ${wallTime(e.start)} ${e.origin.city} (${offsetOf(e.start)}) → ${wallTime(e.end)}`,
      marker ? " " : "", marker,
      ` ${e.destination.city} (${offsetOf(e.end)})`),
    el("div", { class: "entry-meta muted" },
      [e.carrier_name, e.cabin ? e.cabin[0].toUpperCase() + e.cabin.slice(1) : null, span(e.duration_minutes),
        e.flight_status !== "scheduled" ? `flight ${e.flight_status}` : null].filter(Boolean).join(" · ")),
    cancelled || e.status !== "booked" ? null : checkInNote(e.check_in),
    peopleView(e.passengers));
}

// When online check-in opens, or until when it is open, on the departure airport's clock.
function checkInNote(c) {
  if (!c) return null;
  const now = Date.now() + skewMs;
  const at = (iso) => `${dayLabel(iso)} ${wallTime(iso)}`;
  if (c.open) return el("div", { class: "entry-checkin" }, `Check-in open until ${at(c.closes_local)}`);
  if (Date.parse(c.opens_at) > now) return el("div", { class: "entry-checkin muted" }, `Check-in opens ${at(c.opens_local)}`);
  return null;
}

function peopleView(people) {
  if (!people?.length) return null;
  return el("ul", { class: "people" }, people.map((p) => el("li", {},
    [p.name, p.seat ? `seat ${p.seat}` : null, p.ticket ? `e-ticket ${p.ticket}` : null].filter(Boolean).join(" · "))));
}

function policyView(t) {
  const p = t.policy;
  const known = ["green", "amber", "red"].includes(p.status);
  return el("div", { class: "policy" },
    el("span", { class: `badge badge-${known ? p.status : "neutral"}`, "data-policy": p.status }, p.label),
    t.approval_id && t.status === "pending_approval"
      ? el("span", { class: "muted small" }, ` ${p.approvals_required?.length ? `Approval by ${p.approvals_required.join(", ")}` : "Approval"} (${t.approval_id})`)
      : null,
    p.reasons.length ? el("ul", { class: "reasons" }, p.reasons.map((r) => el("li", {}, r))) : null);
}

// ---------------------------------------------------------------- guests' passports

// A guest (named by name, with no traveller profile) keeps their passport on the booking
// (PUT /v1/bookings/{id}/passengers/{passenger_id}/documents). The server says who needs
// one (a flight between two countries), who may add it, and the passport on file with its
// number masked. What is typed here is only sent: once stored, the form is emptied and
// the trip redrawn from the server, so the page only ever shows the mask.
function guestsView(t) {
  const shown = (t.guests || []).filter((g) => g.passport || g.passport_needed);
  if (!shown.length) return null;
  return el("ul", { class: "guests" }, shown.map((g) => guestView(t, g)));
}

function guestView(t, g) {
  const p = g.passport;
  const item = el("li", { class: "guest", "data-passenger-id": g.passenger_id },
    el("span", { class: "guest-name" }, g.name),
    p ? el("span", { class: "passport-on-file", "data-masked": p.number },
      ` · passport ${p.number} (${p.issuing_country}, expires ${p.expires_on})`) : null,
    p && g.may_edit && !g.passport_needed
      ? el("button", {
        type: "button", class: "btn btn-small btn-quiet", "data-action": "remove-passport",
        onclick: () => sendDocument(t, g, "DELETE", null, item),
      }, "Remove passport")
      : null,
    g.passport_needed ? el("p", { class: "passport-needed" }, "Passport needed for online check-in") : null,
    g.passport_needed && g.may_edit ? passportForm(t, g) : null);
  return item;
}

function passportForm(t, g) {
  const id = (name) => `passport-${g.passenger_id}-${name}`;
  const today = new Date(Date.now() + skewMs).toISOString().slice(0, 10);
  const field = (name, label, attrs) => el("label", { class: "passport-field", for: id(name) }, label,
    el("input", { id: id(name), name, ...attrs }));
  const country = { type: "text", required: true, pattern: "[A-Za-z]{2}", maxlength: 2, size: 3,
    autocapitalize: "characters", spellcheck: "false", title: "Two-letter country code, e.g. GB" };
  const form = el("form", { class: "passport-form", "data-passenger-id": g.passenger_id },
    field("number", "Passport number", {
      type: "text", required: true, autocomplete: "off", spellcheck: "false", autocapitalize: "characters",
      pattern: "[A-Za-z0-9 ]{5,24}", maxlength: 24, title: "5 to 20 letters or digits",
    }),
    field("issuing_country", "Issuing country", { ...country, autocomplete: "off" }),
    field("nationality", "Nationality", { ...country, autocomplete: "off" }),
    field("expires_on", "Expires", { type: "date", required: true, min: today }),
    field("date_of_birth", "Date of birth (optional)", { type: "date", max: today, autocomplete: "off" }),
    el("button", { type: "submit", class: "btn btn-primary btn-small", "data-action": "add-passport" }, "Add passport"),
    el("p", { class: "field-error", role: "alert", hidden: true }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!form.reportValidity()) return;
    const value = (name) => form.elements[name].value.trim();
    const body = {
      number: value("number"),
      issuing_country: value("issuing_country").toUpperCase(),
      nationality: value("nationality").toUpperCase(),
      expires_on: value("expires_on"),
    };
    if (value("date_of_birth")) body.date_of_birth = value("date_of_birth");
    sendDocument(t, g, "PUT", body, form);
  });
  return form;
}

// PUT or DELETE a guest's passport; a refusal (problem+json) is said next to the form,
// on its field; a success redraws the trips from the server.
async function sendDocument(t, g, method, body, near) {
  const token = deps.token();
  const form = near.tagName === "FORM" ? near : null;
  const error = form?.querySelector(".field-error");
  const buttons = near.querySelectorAll("button");
  for (const b of buttons) b.disabled = true;
  const say = (text, field) => {
    if (!error) {
      deps.setStatus(text);
      return;
    }
    error.textContent = text;
    error.hidden = false;
    for (const input of form.querySelectorAll("input")) input.removeAttribute("aria-invalid");
    const bad = field ? form.elements[field] : null;
    if (bad instanceof HTMLInputElement) {
      bad.setAttribute("aria-invalid", "true");
      bad.focus();
    }
  };
  let response;
  try {
    response = await fetch(
      `/v1/bookings/${encodeURIComponent(t.booking_id)}/passengers/${encodeURIComponent(g.passenger_id)}/documents`,
      {
        method,
        headers: { Authorization: `Bearer ${token}`, ...(body ? { "Content-Type": "application/json" } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
  } catch (err) {
    for (const b of buttons) b.disabled = false;
    say(err.message, null);
    return;
  }
  if (deps.token() !== token) return;
  if (!response.ok) {
    for (const b of buttons) b.disabled = false;
    let problem = {};
    try {
      problem = await response.json();
    } catch { /* not JSON */ }
    say(problem.detail || problem.title || `${response.status} ${response.statusText}`, problem.field);
    return;
  }
  form?.reset(); // the number typed leaves the page; the trip shows the server's mask
  await refreshTrips();
}

// ---------------------------------------------------------------- actions

const DATA_ACTION = {
  cancel: "cancel-trip", change_flight: "change-flight", choose_seats: "seat-map", check_in: "check-in",
  boarding_pass: "boarding-pass", add_to_calendar: "calendar", itinerary: "itinerary",
};

function actionsView(t) {
  const row = el("div", { class: "card-actions trip-actions" });
  const forms = el("div", { class: "trip-forms" });
  for (const a of t.actions) {
    const button = el("button", {
      type: "button",
      class: `btn btn-small ${a.action === "cancel" ? "btn-bad" : "btn-quiet"}`,
      "data-action": DATA_ACTION[a.action] || a.action,
      "data-booking-id": t.booking_id,
      "data-segment-id": a.segment_id, "data-pass-id": a.pass_id,
    }, a.label);
    button.addEventListener("click", () => act(t, a, forms));
    row.append(button);
  }
  return el("div", {}, row, forms);
}

function act(t, a, forms) {
  const id = t.booking_id;
  if (a.action === "cancel") deps.sendAction({ type: "cancel_booking", booking_id: id }, `Cancel trip ${id}`);
  else if (a.action === "choose_seats") deps.sendAction({ type: "seat_map", booking_id: id });
  else if (a.action === "check_in") deps.sendAction({ type: "check_in", booking_id: id, segment_id: a.segment_id }, `${a.label} (${id})`);
  else if (a.action === "change_flight") toggleChangeForm(t, a, forms);
  else if (a.action === "add_to_calendar") download(a.href, `${id}.ics`);
  else download(a.href, null); // itinerary page, boarding pass PDF: opened in a new tab
}

// "Change BA 117": which day to fly instead; the options come back as cards in the
// chat, and a Book click on one of them rebooks this trip after a yes.
function toggleChangeForm(t, a, forms) {
  const existing = forms.querySelector(`form[data-segment-id="${CSS.escape(a.segment_id)}"]`);
  if (existing) {
    existing.remove();
    return;
  }
  const today = new Date(Date.now() + skewMs).toISOString().slice(0, 10);
  const input = el("input", { type: "date", name: "date", required: true, value: a.date, min: today, id: `change-${a.segment_id}` });
  const form = el("form", { class: "change-form", "data-segment-id": a.segment_id },
    el("label", { for: input.id }, `New date for ${a.label.replace(/^Change /, "")}`), input,
    el("button", { type: "submit", class: "btn btn-primary btn-small", "data-action": "find-flights" }, "Find flights"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!input.value) return;
    const sent = deps.sendAction(
      { type: "change_flight", booking_id: t.booking_id, segment_id: a.segment_id, date: input.value },
      `${a.label} (${t.booking_id}) to ${dayLabel(input.value)}`);
    if (sent) form.remove();
  });
  forms.append(form);
  input.focus();
}

// A file behind the caller's token, handed to the browser: saved (name) or opened.
async function download(href, name) {
  let response;
  try {
    response = await fetch(href, { headers: { Authorization: `Bearer ${deps.token()}` } });
  } catch (err) {
    deps.setStatus(err.message);
    return;
  }
  if (!response.ok) {
    let text = `${response.status} ${response.statusText}`;
    try {
      const problem = await response.json();
      text = problem.detail || problem.title || text;
    } catch { /* not JSON */ }
    deps.setStatus(text);
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  if (name) el("a", { href: url, download: name }).click();
  else window.open(url, "_blank", "noopener");
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
