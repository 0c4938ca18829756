// Light or dark: the system's choice (prefers-color-scheme) until the toggle is used,
// then the toggle's, remembered in this browser. The palette is theme.css's.

import { $ } from "/static/dom.js";

const STORE_THEME = "concierge.theme";
const system = () => window.matchMedia?.("(prefers-color-scheme: dark)");

export function currentTheme() {
  const chosen = localStorage.getItem(STORE_THEME);
  if (chosen === "dark" || chosen === "light") return chosen;
  return system()?.matches ? "dark" : "light";
}

function apply() {
  const theme = currentTheme();
  document.documentElement.dataset.theme = theme;
  const toggle = $("#theme-toggle");
  if (toggle) {
    // One label, its state in aria-pressed: read as "Dark mode, toggle button, pressed".
    toggle.setAttribute("aria-pressed", String(theme === "dark"));
  }
}

export function initTheme() {
  apply();
  $("#theme-toggle")?.addEventListener("click", () => {
    localStorage.setItem(STORE_THEME, currentTheme() === "dark" ? "light" : "dark");
    apply();
  });
  // Following the system: its change shows at once.
  system()?.addEventListener?.("change", apply);
}
