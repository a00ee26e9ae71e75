/// The search page `loupe serve` answers at `/`: one HTML file with its style and script inline
/// and nothing fetched from elsewhere. Results as you type (debounced), highlighted snippets, the
/// hit count and time, a language filter with counts, ↑/↓/Enter, a document view with its matches
/// marked and the first scrolled to, `?q=` (and `&doc=`) in the URL so a search can be linked
/// and the back button works; dark mode follows `prefers-color-scheme`. Every text from the
/// index goes into the page as a text node (`textContent`), never as markup.
enum SearchPage {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Loupe</title>
<style>
:root {
  --bg: #fbfaf8; --fg: #1d1d1f; --muted: #6b6b70; --line: #e4e2dd; --card: #ffffff;
  --accent: #2f5bd3; --mark: #ffe58a; --mark-fg: #1d1d1f; --sel: #eef2ff;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root { --bg: #131416; --fg: #e8e8ea; --muted: #9a9aa2; --line: #2a2c30; --card: #1b1d20;
          --accent: #8aa8ff; --mark: #6b5a12; --mark-fg: #fff6cf; --sel: #232838; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
header { position: sticky; top: 0; background: var(--bg); border-bottom: 1px solid var(--line); z-index: 2; }
.bar { max-width: 52rem; margin: 0 auto; padding: 1rem 1.25rem .75rem; }
h1 { font-size: 1.05rem; margin: 0 0 .5rem; letter-spacing: .02em; color: var(--muted); font-weight: 600; }
h1 b { color: var(--fg); }
#q { width: 100%; font: inherit; font-size: 1.15rem; padding: .7rem .9rem; border-radius: .6rem;
  border: 1px solid var(--line); background: var(--card); color: var(--fg); outline: none; }
#q:focus { border-color: var(--accent); box-shadow: 0 0 0 3px color-mix(in srgb, var(--accent) 25%, transparent); }
#filters { display: flex; flex-wrap: wrap; gap: .4rem; margin-top: .6rem; min-height: 1.9rem; }
#filters button { font: inherit; font-size: .85rem; border: 1px solid var(--line); background: var(--card);
  color: var(--fg); border-radius: 1rem; padding: .15rem .7rem; cursor: pointer; }
#filters button[aria-pressed="true"] { background: var(--accent); border-color: var(--accent); color: var(--bg); }
#filters button:disabled { opacity: .45; cursor: default; }
main { max-width: 52rem; margin: 0 auto; padding: .5rem 1.25rem 3rem; }
#status { color: var(--muted); font-size: .9rem; margin: .4rem 0 .8rem; min-height: 1.4rem; }
#results { list-style: none; margin: 0; padding: 0; }
#results li { padding: .8rem .9rem; margin: 0 -.9rem; border-radius: .6rem; cursor: pointer; }
#results li.selected { background: var(--sel); }
.title { font-size: 1.08rem; font-weight: 600; color: var(--accent); margin: 0; }
.meta { font-size: .82rem; color: var(--muted); margin: .1rem 0 .3rem; overflow-wrap: anywhere; }
.snippet { margin: 0; overflow-wrap: anywhere; }
mark { background: var(--mark); color: var(--mark-fg); border-radius: .2rem; padding: 0 .1rem; }
.hint { color: var(--muted); }
.hint a, .suggestion a { color: var(--accent); cursor: pointer; }
#doc { display: none; }
#doc.open { display: block; }
#doc .back { font: inherit; font-size: .9rem; border: 1px solid var(--line); background: var(--card); color: var(--fg);
  border-radius: .5rem; padding: .25rem .7rem; cursor: pointer; margin: .6rem 0; }
#doc h2 { margin: .3rem 0 .1rem; font-size: 1.35rem; }
#doc pre { white-space: pre-wrap; overflow-wrap: anywhere; font: inherit; line-height: 1.65; margin-top: 1rem; }
#doc .page { display: block; text-align: center; color: var(--muted); font-size: .8rem; margin: 1.2rem 0;
  border-top: 1px dashed var(--line); padding-top: .3rem; }
#doc mark.current { outline: 2px solid var(--accent); }
kbd { font: .78rem ui-monospace, monospace; border: 1px solid var(--line); border-bottom-width: 2px; border-radius: .3rem; padding: 0 .3rem; }
</style>
</head>
<body>
<header><div class="bar">
  <h1><b>Loupe</b> · search your documents</h1>
  <input id="q" type="search" autocomplete="off" spellcheck="false" placeholder="Search: words, &quot;a phrase&quot;, prefix*, -exclude, title:word" aria-label="Search">
  <div id="filters" role="group" aria-label="Language"></div>
</div></header>
<main>
  <div id="status" aria-live="polite"></div>
  <ol id="results"></ol>
  <section id="doc" aria-live="polite"></section>
  <p class="hint" id="keys"><kbd>↑</kbd> <kbd>↓</kbd> to move, <kbd>Enter</kbd> to open, <kbd>Esc</kbd> to go back.</p>
</main>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
const q = $("q"), results = $("results"), status = $("status"), filters = $("filters"), docView = $("doc");
const LANGS = { en: "English", fr: "Français", es: "Español", other: "Other" };
let lang = "", hits = [], selected = -1, timer = 0, seq = 0;

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

// Text with [start, end) highlight offsets in Unicode scalars (code points), as the API gives them.
function marked(text, highlights, parent) {
  const cps = Array.from(text);
  let at = 0;
  const marks = [];
  for (const [s, e] of highlights) {
    if (s < at) continue;
    if (s > at) parent.append(cps.slice(at, s).join(""));
    const m = el("mark", "", cps.slice(s, e).join(""));
    parent.append(m);
    marks.push(m);
    at = e;
  }
  if (at < cps.length) parent.append(cps.slice(at).join(""));
  return marks;
}

function setURL(params, push) {
  const url = new URL(location.href);
  url.search = "";
  for (const [k, v] of Object.entries(params)) if (v !== "" && v !== undefined && v !== null) url.searchParams.set(k, v);
  if (url.href === location.href) return;
  if (push) history.pushState(params, "", url); else history.replaceState(params, "", url);
}

function renderFilters(counts) {
  filters.replaceChildren();
  if (!counts) return;
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const add = (code, label, n) => {
    const b = el("button", "", `${label} ${n.toLocaleString()}`);
    b.type = "button";
    b.setAttribute("aria-pressed", String(lang === code));
    b.disabled = n === 0 && lang !== code;
    b.dataset.lang = code;
    b.addEventListener("click", () => { lang = lang === code ? "" : code; search(true); q.focus(); });
    filters.append(b);
  };
  add("", "All", total);
  for (const code of Object.keys(LANGS)) if (counts[code] || lang === code) add(code, LANGS[code], counts[code] || 0);
}

function select(i) {
  const items = results.children;
  if (!items.length) return;
  selected = Math.max(0, Math.min(items.length - 1, i));
  for (let j = 0; j < items.length; j++) items[j].classList.toggle("selected", j === selected);
  items[selected].scrollIntoView({ block: "nearest" });
}

function renderResults(data) {
  results.replaceChildren();
  hits = data.hits;
  selected = -1;
  const n = data.total_hits;
  status.replaceChildren();
  status.append(n === 0 ? "No documents match." : `${n.toLocaleString()} document${n === 1 ? "" : "s"}`
    + (n > hits.length ? ` (top ${hits.length})` : "") + ` · ${data.took_ms.toFixed(1)} ms`);
  if (data.suggestion) {
    const s = el("span", "suggestion", " · Did you mean ");
    const a = el("a", "", data.suggestion);
    a.addEventListener("click", () => { q.value = data.suggestion; search(true); });
    s.append(a, "?");
    status.append(s);
  }
  hits.forEach((hit, i) => {
    const li = el("li");
    li.dataset.id = hit.id;
    li.append(el("p", "title", hit.title || hit.path));
    li.append(el("p", "meta", [hit.path, LANGS[hit.language] || hit.language, hit.page ? `page ${hit.page}` : ""].filter(Boolean).join(" · ")));
    const p = el("p", "snippet");
    marked(hit.snippet.text, hit.snippet.highlights, p);
    li.append(p);
    li.addEventListener("click", () => openDoc(hit.id, true));
    li.addEventListener("mousemove", () => { if (selected !== i) select(i); });
    results.append(li);
  });
}

async function search(push, updateURL = true) {
  const text = q.value.trim();
  const mine = ++seq;
  closeDoc();
  if (!text) {
    results.replaceChildren(); filters.replaceChildren(); status.textContent = ""; hits = [];
    if (updateURL) setURL({}, push);
    return;
  }
  if (updateURL) setURL({ q: text, lang }, push);
  const params = new URLSearchParams({ q: text, k: "20", facets: "1" });
  if (lang) params.set("lang", lang);
  try {
    const r = await fetch("/search?" + params);
    const data = await r.json();
    if (mine !== seq) return;
    if (!r.ok) { results.replaceChildren(); filters.replaceChildren(); status.textContent = data.error || `error ${r.status}`; return; }
    renderFilters(data.facets && data.facets.languages);
    renderResults(data);
  } catch (e) {
    if (mine === seq) status.textContent = "The server did not answer: " + e.message;
  }
}

function closeDoc() {
  docView.classList.remove("open");
  docView.replaceChildren();
  results.hidden = false;
}

async function openDoc(id, push) {
  const text = q.value.trim();
  if (push) setURL({ q: text, lang, doc: id }, true);
  const r = await fetch(`/doc/${encodeURIComponent(id)}?` + new URLSearchParams({ q: text }));
  const data = await r.json();
  docView.replaceChildren();
  const back = el("button", "back", "← Results");
  back.type = "button";
  back.addEventListener("click", () => history.back());
  docView.append(back);
  if (!r.ok) { docView.append(el("p", "", data.error || `error ${r.status}`)); docView.classList.add("open"); results.hidden = true; return; }
  docView.append(el("h2", "", data.title || data.path));
  const count = data.highlights.length;
  docView.append(el("p", "meta", [data.path, LANGS[data.language] || data.language, `${count} match${count === 1 ? "" : "es"}`,
    data.truncated ? "text cut at 4 MB" : ""].filter(Boolean).join(" · ")));
  const pre = el("pre");
  const marks = marked(data.text, data.highlights, pre);
  // A PDF's pages are separated by form feeds: show where each page starts.
  let page = 1;
  for (const node of Array.from(pre.childNodes)) {
    if (node.nodeType !== Node.TEXT_NODE || !node.data.includes("\f")) continue;
    const parts = node.data.split("\f");
    const frag = document.createDocumentFragment();
    parts.forEach((part, i) => {
      if (i > 0) frag.append(el("span", "page", `page ${++page}`));
      frag.append(part);
    });
    node.replaceWith(frag);
  }
  docView.append(pre);
  results.hidden = true;
  docView.classList.add("open");
  if (marks.length) { marks[0].classList.add("current"); marks[0].scrollIntoView({ block: "center" }); }
  else window.scrollTo(0, 0);
}

q.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(() => search(false), 150); });
document.addEventListener("keydown", (e) => {
  if (e.key === "Escape" && docView.classList.contains("open")) { history.back(); return; }
  if (docView.classList.contains("open")) return;
  if (e.key === "ArrowDown") { e.preventDefault(); select(selected + 1); }
  else if (e.key === "ArrowUp") { e.preventDefault(); select(selected - 1); }
  else if (e.key === "Enter" && hits.length) { e.preventDefault(); openDoc(hits[Math.max(0, selected)].id, true); }
});

async function restore() {
  const params = new URLSearchParams(location.search);
  q.value = params.get("q") || "";
  lang = params.get("lang") || "";
  await search(false, false);
  const doc = params.get("doc");
  if (doc !== null && q.value) await openDoc(doc, false);
}
window.addEventListener("popstate", restore);
restore();
q.focus();
</script>
</body>
</html>
"""#
}
