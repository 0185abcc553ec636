// The switchboard board: filter as you type, "/" to search, refresh itself.
// Without JavaScript the search form works through the query string.

const board = document.querySelector("[data-board]");
const search = document.querySelector("[data-board-search]");
const status = document.querySelector("[data-board-status]");

function filter() {
  if (!search) return;
  const query = search.value.trim().toLowerCase();
  const digits = query.replace(/\D/g, "");
  const byNumber = digits.length >= 4 && digits.length >= query.replace(/\s/g, "").length - 1;
  for (const row of document.querySelectorAll("[data-board-row]")) {
    let shown = true;
    if (byNumber) {
      shown = (row.dataset.digits || "").split(" ").some((number) => number.includes(digits));
    } else if (query) {
      shown = query.split(/\s+/).every((word) => row.dataset.search.includes(word));
    }
    row.hidden = !shown;
  }
  for (const group of document.querySelectorAll(".board-group")) {
    group.hidden = !group.querySelector("[data-board-row]:not([hidden])");
  }
}

if (search) {
  search.addEventListener("input", filter);
  document.addEventListener("keydown", (event) => {
    const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName);
    if (event.key === "/" && !typing) {
      event.preventDefault();
      search.focus();
      search.select();
    }
  });
}

function say(text, failed) {
  if (!status) return;
  status.textContent = text;
  status.classList.toggle("board-status--failed", Boolean(failed));
}

function clock() {
  return new Date().toLocaleTimeString("en-GB", { timeZone: "Europe/London" });
}

async function refresh() {
  const url = new URL(window.location.href);
  url.searchParams.delete("q");
  let response;
  try {
    response = await fetch(url, { credentials: "same-origin", headers: { "X-Board-Refresh": "1" } });
  } catch (error) {
    say(`Refreshing failed at ${clock()}: this board may be out of date. Check the network, then reload.`, true);
    schedule(30);
    return;
  }
  if (response.redirected && new URL(response.url).pathname.startsWith("/accounts/login")) {
    say("You have been signed out: this board is no longer up to date. Reload the page and sign in again.", true);
    return;
  }
  if (!response.ok) {
    say(`Refreshing failed at ${clock()} (the service answered ${response.status}): this board may be out of date.`, true);
    schedule(30);
    return;
  }
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const fresh = page.querySelector("[data-board-results]");
  const current = document.querySelector("[data-board-results]");
  if (fresh && current) {
    current.replaceWith(fresh);
    filter();
  }
  say(`Refreshed at ${clock()}; it refreshes itself every minute and at each handover.`, false);
  const next = page.querySelector("[data-board]")?.dataset.refreshSeconds;
  schedule(Number(next) || 60);
}

let timer;
function schedule(seconds) {
  clearTimeout(timer);
  timer = setTimeout(refresh, seconds * 1000);
}

if (board) {
  // What the timer calls; reachable for a browser test, which cannot wait a minute.
  board.refreshNow = refresh;
}
if (board && board.dataset.refreshSeconds) {
  schedule(Number(board.dataset.refreshSeconds));
}
filter();
