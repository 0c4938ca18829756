// Live updates: GET /v1/events, the signed-in person's own changes as server-sent
// events (booking, approval, disruption, hold expiry), read with fetch + a stream
// reader because EventSource cannot send an Authorization header. A dropped stream is
// opened again with Last-Event-ID (after 1 s, 2 s, 4 s… at most 15 s), so nothing
// committed meanwhile is missed; ids already seen are dropped.

import { el } from "/static/dom.js";

let current = null; // {abort: AbortController, lastId, seen}

export function stopEvents() {
  current?.abort.abort();
  current = null;
}

// onEvent(event): {id, topic, booking_id, approval_id, status, note, watching, message, at}
export function startEvents({ token, onEvent, onState = () => {} }) {
  stopEvents();
  const me = { abort: new AbortController(), lastId: null, seen: new Set() };
  current = me;
  run(me, token, onEvent, onState);
}

async function run(me, token, onEvent, onState) {
  let delay = 1000;
  while (current === me) {
    try {
      const headers = { Authorization: `Bearer ${token}`, Accept: "text/event-stream" };
      if (me.lastId !== null) headers["Last-Event-ID"] = me.lastId;
      const response = await fetch("/v1/events", { headers, signal: me.abort.signal, cache: "no-store" });
      if (response.status === 401 || response.status === 403) return; // signed out
      if (!response.ok || !response.body) throw new Error(`${response.status}`);
      onState("live");
      delay = 1000;
      await read(me, response.body, onEvent);
    } catch (err) {
      if (me.abort.signal.aborted) return;
    }
    if (current !== me) return;
    onState("reconnecting");
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 15000);
  }
}

async function read(me, body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replaceAll("\r\n", "\n");
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const event = parse(block);
      if (!event) continue;
      if (event.id !== null) {
        me.lastId = event.id;
        if (me.seen.has(event.id)) continue;
        me.seen.add(event.id);
      }
      if (current !== me) return;
      try {
        onEvent(event.data);
      } catch (err) {
        console.error("live update failed", err);
      }
    }
  }
}

function parse(block) {
  let id = null;
  const data = [];
  for (const line of block.split("\n")) {
    if (line.startsWith("id:")) id = line.slice(3).trim();
    else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
  }
  if (!data.length) return null; // comments (": ping") and blank blocks
  try {
    return { id, data: JSON.parse(data.join("\n")) };
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- in the conversation

// What a change says in the person's conversation, or null when it only moves a
// list (an approver's view of a decision, a hold they just made themselves).
const TOLD = {
  "approval.decided": (e) => (e.status === "approved" ? ["good", "Approved"] : ["bad", "Rejected"]),
  "approval.expired": () => ["bad", "Approval expired"],
  "approval.requested": () => ["neutral", "Approval request"],
  "approval.escalated": () => ["neutral", "Approval overdue"],
  "approval.purpose_added": () => ["neutral", "Purpose added"],
  "disruption.detected": (e) => ["bad", e.status === "delayed" ? "Flight delayed" : "Flight cancelled"],
  "flight.delayed": () => ["bad", "Flight delayed"],
  "booking.expired": () => ["bad", "Hold expired"],
  "booking.failed": () => ["bad", "Booking failed"],
  "booking.rebooked": () => ["good", "Trip changed"],
};

export function noticeFor(event) {
  if (event.watching) return null;
  const told = TOLD[event.topic];
  if (!told) return null;
  const [tone, label] = told(event);
  return el("div", {
    class: `msg assistant notice notice-${tone}`, role: "status",
    "data-event-id": event.id, "data-topic": event.topic,
    "data-booking-id": event.booking_id, "data-approval-id": event.approval_id,
  },
  el("div", { class: "text" },
    el("span", { class: `badge badge-${tone === "good" ? "green" : tone === "bad" ? "red" : "neutral"}` }, label),
    " ",
    event.message,
    event.note && event.topic === "approval.decided" && !event.message.includes(event.note)
      ? el("span", { class: "notice-note" }, ` Note: “${event.note}”`)
      : null));
}

// ---------------------------------------------------------------- system notifications

// What reaches the person while the page is in a background tab: a decision on their
// trip, a disruption, a request waiting on them (approvers). A system notification
// (Notification API) only when they allowed it — the page asks from the "Notify me"
// button, never by itself — and only while the tab is hidden: a visible page already
// says it in the conversation.
const NOTIFIED = new Set([
  "approval.decided", "approval.expired", "approval.requested",
  "disruption.detected", "flight.delayed",
]);

export function notificationsAvailable() {
  return typeof window.Notification === "function";
}

export function notifyIfHidden(event) {
  if (event.watching || !NOTIFIED.has(event.topic) || !TOLD[event.topic]) return null;
  if (!notificationsAvailable() || window.Notification.permission !== "granted") return null;
  if (document.visibilityState !== "hidden") return null;
  const [, label] = TOLD[event.topic](event);
  const note = event.note && event.topic === "approval.decided" && !event.message.includes(event.note)
    ? ` Note: “${event.note}”` : "";
  try {
    const shown = new window.Notification(`${label}${event.booking_id ? ` · ${event.booking_id}` : ""}`, {
      body: `${event.message}${note}`,
      tag: `concierge-event-${event.id}`, // one per event, however many tabs tell it
    });
    shown.onclick = () => {
      window.focus();
      shown.close();
    };
    return shown;
  } catch (err) {
    // Some browsers allow notifications from a service worker only: the conversation
    // still says it.
    console.warn("notification not shown", err);
    return null;
  }
}

// The "Notify me" button: shown while the browser has not been asked; asking is the
// person's click (browsers refuse a request that no gesture made).
export function initNotifyButton(button) {
  if (!button) return;
  const draw = () => {
    button.hidden = !notificationsAvailable() || window.Notification.permission !== "default";
  };
  button.addEventListener("click", async () => {
    try {
      await window.Notification.requestPermission();
    } finally {
      draw();
    }
  });
  draw();
}
