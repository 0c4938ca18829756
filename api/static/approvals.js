// The approvals inbox (managers, VP Finance, executives, admins): what waits on me
// (GET /v1/approvals?status=pending) with every fact the server gives for judging it —
// traveller, route, dates, cabin, total, each policy reason, the traveller's stated
// purpose — and a decision with a note (POST /v1/approvals/{id}/decision). A decision
// takes two clicks: Approve / Reject, then a confirm step naming what happens; a
// rejection needs a note (the traveller is told why), checked here and by the server
// (422 REJECTION_NOTE_REQUIRED). The pending count shows as a badge.

import { $, el } from "/static/dom.js";

let deps = null; // {api, setStatus, token, canApprove, onDecided}

export function initApprovals(options) {
  deps = options;
}

export function clearApprovals() {
  $("#approvals").replaceChildren();
  $("#approvals-empty").hidden = false;
  setBadge(0);
}

function setBadge(count) {
  for (const badge of document.querySelectorAll("[data-approvals-badge]")) {
    badge.textContent = String(count);
    badge.hidden = count === 0;
    badge.setAttribute("aria-label", `${count} approval${count === 1 ? "" : "s"} waiting`);
  }
}

export async function refreshApprovals() {
  if (!deps || !deps.token() || !deps.canApprove()) return;
  let approvals = [];
  try {
    approvals = (await deps.api("/v1/approvals?status=pending")).approvals || [];
  } catch (err) {
    deps.setStatus(err.message);
    return;
  }
  // A card half-way through a decision is kept as it is (its note, its confirm step),
  // and one just decided stays to say so until it leaves on its own.
  const open = new Map();
  for (const node of document.querySelectorAll("#approvals .approval[data-deciding]")) {
    open.set(node.dataset.approvalId, node);
  }
  // (A decision made here reaches this page's own event stream before its answer does.)
  const decided = [...document.querySelectorAll("#approvals .approval[data-decided], #approvals .approval[data-deciding]")]
    .filter((node) => !approvals.some((a) => a.approval_id === node.dataset.approvalId));
  $("#approvals").replaceChildren(
    ...decided, ...approvals.map((a) => open.get(a.approval_id) || renderApproval(a)));
  $("#approvals-empty").hidden = approvals.length + decided.length > 0;
  setBadge(approvals.length);
}

function dayText(isoDate) {
  const date = new Date(`${isoDate}T12:00:00Z`);
  if (Number.isNaN(date.getTime())) return isoDate;
  return date.toLocaleDateString("en-GB", { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
}

function dates(trip) {
  if (!trip.start_date) return "";
  const start = dayText(trip.start_date);
  return trip.end_date && trip.end_date !== trip.start_date ? `${start} → ${dayText(trip.end_date)}` : start;
}

function fact(label, value, name) {
  if (!value) return null;
  return el("div", { class: "fact", "data-fact": name },
    el("dt", {}, label), el("dd", {}, value));
}

export function renderApproval(a) {
  const id = a.approval_id;
  const trip = a.booking || {};
  const traveller = trip.traveler?.name || trip.traveler?.id || "";
  const due = a.step?.due_at || a.due_at;
  const noteId = `note-${id}`;
  const item = el("li", {
    class: "approval", "data-approval": id, "data-approval-id": id,
    "data-booking": trip.booking_id, "data-booking-id": trip.booking_id,
  });
  const note = el("textarea", {
    id: noteId, class: "approval-note", rows: 2, maxlength: 500,
    placeholder: "Optional to approve, required to reject",
  });
  const error = el("p", { class: "field-error", role: "alert", hidden: true });
  const actions = el("div", { class: "card-actions" });

  const ask = (decision) => {
    const text = note.value.trim();
    if (decision === "reject" && !text) {
      error.textContent = `Say why you reject it: ${traveller || "the traveller"} is told.`;
      error.hidden = false;
      note.focus();
      return;
    }
    error.hidden = true;
    item.dataset.deciding = decision;
    // One key per confirm step: a double click replays the first answer, never decides twice.
    const key = `web-${id}-${decision}-${crypto.randomUUID()}`;
    const verb = decision === "approve" ? "Approve" : "Reject";
    const outcome = decision === "approve"
      ? "book and pay for it (or pass it to the next approver)"
      : "cancel it and give the seats and rooms back";
    const yes = el("button", {
      type: "button", class: `btn ${decision === "approve" ? "btn-good" : "btn-bad"}`, "data-action": `confirm-${decision}`,
      onclick: () => decide(decision, text, key, yes),
    }, `Yes, ${verb.toLowerCase()}`);
    actions.replaceChildren(
      el("p", { class: "confirm-question" },
        `${verb} ${traveller ? `${traveller}'s trip` : "this trip"} ${trip.booking_id || ""}? This will ${outcome}.`,
        text ? el("span", { class: "muted" }, ` Note: “${text}”`) : null),
      yes,
      el("button", { type: "button", class: "btn btn-quiet", "data-action": "back", onclick: back }, "Back"));
    note.disabled = true;
    yes.focus();
  };

  const back = () => {
    delete item.dataset.deciding;
    note.disabled = false;
    drawButtons();
    note.focus();
  };

  const decide = async (decision, text, key, button) => {
    button.disabled = true;
    try {
      await deps.api(`/v1/approvals/${encodeURIComponent(id)}/decision`, {
        method: "POST",
        body: { decision, note: text },
        headers: { "Idempotency-Key": key },
      });
    } catch (err) {
      button.disabled = false;
      delete item.dataset.deciding;
      note.disabled = false;
      drawButtons();
      error.textContent = err.message;
      error.hidden = false;
      return;
    }
    item.classList.add("decided");
    item.dataset.decided = decision;
    actions.replaceChildren(el("p", { class: "decided-note", role: "status" },
      decision === "approve" ? `Approved. ${traveller || "The traveller"} is told.` : `Rejected. ${traveller || "The traveller"} is told why.`));
    delete item.dataset.deciding;
    deps.onDecided?.(id, decision);
    refreshApprovals();
    setTimeout(() => {
      item.remove();
      $("#approvals-empty").hidden = $("#approvals").children.length > 0;
    }, 2500);
  };

  const drawButtons = () => actions.replaceChildren(
    el("button", { type: "button", class: "btn btn-good", "data-action": "approve", onclick: () => ask("approve") }, "Approve"),
    el("button", { type: "button", class: "btn btn-bad", "data-action": "reject", onclick: () => ask("reject") }, "Reject"));
  drawButtons();

  const reasons = a.reasons || [];
  item.append(
    el("div", { class: "card-head" },
      el("span", { class: "card-title" }, traveller),
      el("span", { class: "price", "data-fact": "total" }, trip.total_text || "")),
    el("dl", { class: "approval-facts" },
      fact("Trip", [trip.route, trip.booking_id].filter(Boolean).join(" · "), "route"),
      fact("Dates", dates(trip), "dates"),
      fact("Cabin", (trip.cabin || "").replaceAll("_", " "), "cabin"),
      fact("Purpose", trip.purpose || "Not given", "purpose"),
      fact("As", a.step?.role ? a.step.role.replaceAll("_", " ") : "", "role"),
      fact("Due", due ? new Date(due).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" }) : "", "due")),
    reasons.length
      ? el("div", { class: "approval-reasons" },
          el("p", { class: "small muted" }, "Why it needs approval"),
          el("ul", { class: "reasons" }, reasons.map((r) => el("li", { "data-reason": "" }, r))))
      : null,
    el("label", { for: noteId, class: "small" }, `Note for ${traveller || "the traveller"}`),
    note,
    error,
    actions);
  return item;
}
