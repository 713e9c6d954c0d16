// Review page for school ID photos: plain JavaScript, no build step, no external resources.
// It calls the public API like any other client: /v1/check?overlay=true (the report with what
// the engine saw drawn by the server, in one engine run), /v1/fix (the fixed photo, as JSON with
// base64), and for a change request /v1/compare + /v1/overlay. Every word on the page comes from
// rules/messages.toml: the server puts them in the page as JSON (#page-data), with each profile's
// verdict caps; text from the API (hints, titles, reasons) already comes in the chosen language.
// The secretary's own accept/reject marks live in this tab's memory only.
"use strict";

const DATA = JSON.parse(document.getElementById("page-data").textContent);
const TOKEN_KEY = "idphoto-token";
const LANG_KEY = "idphoto-lang";
const STATUS_ORDER = { fail: 0, warn: 1, info: 2, pass: 3 }; // an advisory note never before a real problem
const VERDICT_RANK = { accept: 0, review: 1, reject: 2 };

const state = {
  lang: DATA.default_lang,
  run: 0, // bumped by every new request set; late answers of an older one are dropped
  urls: [],
  queue: [], // {key, file, status: pending|checking|done|error, report, error, fix, mark}
  index: -1,
  working: false,
};
const $ = (id) => document.getElementById(id);

// ---- words ------------------------------------------------------------------------------------
function words() {
  return DATA.words[state.lang];
}

// The page's text `key`, with {placeholders} filled in. A missing key is a bug: it throws.
function t(key, values = {}) {
  const template = words().page[key];
  if (template === undefined) throw new Error(`no [page].${key} in rules/messages.toml`);
  return template.replace(/\{(\w+)\}/g, (_, name) => {
    if (!(name in values)) throw new Error(`[page].${key} needs {${name}}`);
    return String(values[name]);
  });
}

// "5 zdjęć", "2 zdjęcia": the same CLDR categories as service/words.py.
function plural(n, noun) {
  const forms = words().plurals[noun];
  const category = new Intl.PluralRules(state.lang).select(n);
  return `${n} ${forms[category] ?? forms.many ?? forms.other}`;
}

const verdictWord = (v) => words().verdicts[v];
const statusWord = (s) => words().statuses[s];
const decisionWord = (d) => words().decisions[d];

function number(value, digits) {
  return new Intl.NumberFormat(state.lang === "pl" ? "pl-PL" : "en-GB", { maximumFractionDigits: digits }).format(value);
}

function nbsp(text) {
  return text.replace(/ /g, "\u00a0");
}

// ---- small DOM helper: element with attributes and children (text is always textContent) ----
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const SVG_NS = "http://www.w3.org/2000/svg";
function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

// ---- API ------------------------------------------------------------------------------------
class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.code = problem.code || (status === 0 ? "network" : "http_error");
  }
}

async function post(path, fields, accept, extra = {}) {
  const body = new FormData();
  for (const [name, file] of Object.entries(fields)) body.append(name, file, file.name || name);
  const params = new URLSearchParams({ profile: $("profile").value, lang: state.lang, ...extra });
  const headers = {};
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = `Bearer ${token}`;
  if (accept) headers.Accept = accept;
  let response;
  try {
    response = await fetch(`${path}?${params}`, { method: "POST", body, headers });
  } catch (err) {
    throw new ApiError(0, {});
  }
  if (!response.ok) {
    let problem = {};
    try {
      problem = await response.json();
    } catch (err) {
      problem = {};
    }
    throw new ApiError(response.status, problem);
  }
  return response;
}

// The server's problem `detail` is in the request's language; the page adds only what it alone knows.
function errorText(err) {
  if (err.code === "unauthorized") return t("errorUnauthorized");
  if (err.code === "network") return t("errorNetwork");
  if (err.problem && err.problem.detail) return err.problem.detail;
  return t("errorHttp", { status: err.status });
}

function keepUrl(url) {
  state.urls.push(url);
  return url;
}

function releaseUrls() {
  for (const url of state.urls) URL.revokeObjectURL(url);
  state.urls = [];
}

function jpegBlob(base64) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new Blob([bytes], { type: "image/jpeg" });
}

// ---- pieces of a result -----------------------------------------------------------------------
// The bands follow the profile's verdict caps (rules/<profile>.toml [score].caps).
function gauge(score, verdict) {
  const cx = 100, cy = 100, r = 76;
  const caps = DATA.profiles[$("profile").value].caps;
  const point = (s) => {
    const angle = Math.PI * (1 - s / 100);
    return [cx + r * Math.cos(angle), cy - r * Math.sin(angle)];
  };
  const arc = (from, to) => {
    const [x0, y0] = point(from);
    const [x1, y1] = point(to);
    return `M ${x0.toFixed(2)} ${y0.toFixed(2)} A ${r} ${r} 0 0 1 ${x1.toFixed(2)} ${y1.toFixed(2)}`;
  };
  const bands = [
    ["band-reject", 0, caps.reject + 0.5],
    ["band-review", caps.reject + 1.5, caps.review + 0.5],
    ["band-accept", caps.review + 1.5, 100],
  ];
  return svg(
    "svg",
    { viewBox: "0 0 200 118", class: "gauge-svg", role: "img", "aria-label": t("scoreOutOf", { score, verdict: verdictWord(verdict) }), focusable: "false" },
    ...bands.map(([cls, a, b]) => svg("path", { d: arc(a, b), class: `gauge-band ${cls}` })),
    ...(score > 0 ? [svg("path", { d: arc(0, Math.max(score, 0.5)), class: `gauge-value v-${verdict}` })] : []),
    svg("text", { x: 100, y: 92, class: "gauge-number", "text-anchor": "middle" }, document.createTextNode(String(score))),
    svg("text", { x: 100, y: 112, class: "gauge-of", "text-anchor": "middle" }, document.createTextNode(t("of100"))),
  );
}

function counts(report) {
  const n = (s) => (report.checks || []).filter((c) => c.status === s).length;
  return { fails: plural(n("fail"), "failure"), warns: plural(n("warn"), "warning"), passes: plural(n("pass"), "passed") };
}

function verdictBlock(report) {
  return el(
    "div",
    { class: `verdict-block v-${report.verdict}` },
    gauge(report.score, report.verdict),
    el(
      "div",
      { class: "verdict-text" },
      el("p", { class: "verdict-label", text: t("suggestion") }),
      el("p", { class: "verdict", "data-verdict": report.verdict, text: verdictWord(report.verdict) }),
      el("p", { class: "counts", text: t("counts", counts(report)) }),
      report.main_problem
        ? el("p", { class: "main-problem", "data-rule": report.main_problem.id },
            el("strong", { text: `${t("mainProblem")}: ${report.main_problem.title}.` }), " ", report.main_problem.message)
        : null,
    ),
  );
}

function checkList(report) {
  const checks = [...(report.checks || [])].sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status]);
  const list = el("ul", { class: "checks" });
  for (const c of checks) {
    const limit = c.limit_text ? nbsp(c.limit_text) : null;
    const known = c.value_text !== null && c.value_text !== undefined;
    const measured = c.measure
      ? el(
          "p",
          { class: "measure" },
          el("span", { class: "measure-name", text: `${c.measure_label}: ` }),
          known ? `${t("measured")} ` : t("notMeasured"),
          known ? el("strong", { class: "value", text: nbsp(c.value_text) }) : null,
          limit ? `, ${t("required")} ` : null,
          limit ? el("strong", { class: "limit", text: limit }) : null,
        )
      : null;
    list.append(
      el(
        "li",
        { class: `check s-${c.status}`, "data-rule": c.id, "data-status": c.status },
        el("span", { class: "badge", text: statusWord(c.status) }),
        el("div", { class: "check-body" }, el("h4", { class: "check-title", text: c.title }), el("p", { class: "check-message", text: c.message }), measured),
      ),
    );
  }
  const skipped = (report.skipped_titles || []).length ? el("p", { class: "skipped", text: t("skipped", { rules: report.skipped_titles.join(", ") }) }) : null;
  return [list, skipped];
}

function overlayFigure(side) {
  const img = el("img", { class: "overlay-img", alt: t("overlayAlt"), hidden: true });
  const wait = el("p", { class: "pending", text: t("loading") });
  const legend = el(
    "ul",
    { class: "legend" },
    ...[["sw-crop", "legendCrop"], ["sw-out", "legendOut"], ["sw-face", "legendFace"], ["sw-eyes", "legendEyes"]].map(([cls, key]) =>
      el("li", {}, el("span", { class: `swatch ${cls}`, "aria-hidden": "true" }), t(key)),
    ),
  );
  const figure = el("figure", { class: "shot", "data-part": "overlay", "data-side": side }, el("figcaption", { text: t("seen") }), el("div", { class: "frame" }, wait, img), legend);
  return { figure, img, wait };
}

function fixedFigure(side) {
  const img = el("img", { class: "fixed-img crop-preview", alt: t("fixedAlt"), hidden: true });
  const wait = el("p", { class: "pending", text: t("loading") });
  const caption = el("div", { class: "fixed-caption" });
  const figure = el("figure", { class: "shot", "data-part": "fixed", "data-side": side }, el("figcaption", { text: t("fixed") }), el("div", { class: "frame frame-id" }, wait, img), caption);
  return { figure, img, wait, caption };
}

// `promise` resolves to the overlay JPEG as a Blob.
function showOverlay(parts, promise, run) {
  promise
    .then((blob) => {
      if (run !== state.run) return;
      parts.img.src = keepUrl(URL.createObjectURL(blob));
      parts.img.hidden = false;
      parts.wait.remove();
    })
    .catch((err) => {
      if (run !== state.run) return;
      parts.wait.textContent = `${t("failedImage")} ${errorText(err)}`;
      parts.wait.classList.add("error");
    });
}

// The engine never writes a fixed photo worse than its source; the page still offers a download
// (and the print preview) only when that holds, so a fault anywhere cannot put one in a parent's hands.
function showFixed(parts, promise, run, fileName, source) {
  promise
    .then((fixed) => {
      if (run !== state.run) return;
      const worse = fixed.verdict === "reject" || !(VERDICT_RANK[fixed.verdict] <= VERDICT_RANK[source.verdict]);
      if (worse) {
        parts.img.remove();
        parts.wait.remove();
        const box = el("div", { class: "not-fixable fixed-worse" }, el("p", { text: t("fixedWorse", { fixed: verdictWord(fixed.verdict), source: verdictWord(source.verdict) }) }));
        parts.figure.querySelector(".frame").replaceWith(box);
        return;
      }
      const url = keepUrl(URL.createObjectURL(jpegBlob(fixed.image_base64)));
      parts.img.src = url;
      parts.img.hidden = false;
      parts.wait.remove();
      const info = fixed.fix || {};
      const stem = (fileName || "photo").replace(/\.[^.]*$/, "").replace(/[^\w.-]+/g, "_") || "photo";
      parts.caption.append(
        el("span", { class: "fixed-info", text: t("fixedInfo", { width: info.width, height: info.height, kb: number((info.bytes || 0) / 1024, 0), quality: info.quality }) }),
        el("span", { class: `mini-verdict v-${fixed.verdict}`, text: t("fixedVerdict", { verdict: verdictWord(fixed.verdict), score: fixed.score }) }),
        el("a", { class: "download button", href: url, download: `${stem}-35x45.jpg`, text: t("download") }),
      );
      const preview = el("button", { type: "button", class: "button preview-open", text: t("preview") });
      preview.addEventListener("click", () => openPreview(url));
      parts.caption.append(preview);
    })
    .catch((err) => {
      if (run !== state.run) return;
      parts.img.remove();
      parts.wait.remove();
      const box = el("div", { class: "not-fixable" });
      if (err.code === "not_fixable" && Array.isArray(err.problem.reasons)) {
        box.append(el("p", { text: t("notFixable") }), el("ul", {}, ...err.problem.reasons.map((r) => el("li", { "data-rule": r.id, text: r.message }))));
      } else {
        box.append(el("p", { class: "error", text: `${t("failedImage")} ${errorText(err)}` }));
      }
      parts.figure.querySelector(".frame").replaceWith(box);
      const shots = parts.figure.closest(".shots");
      if (shots) shots.classList.add("no-fix"); // the overlay gets the whole width
    });
}

// One photo's card: verdict and gauge, the overlay, the fixed photo, the hints, the parent message.
// `fixPromise` resolves to the fixed photo's JSON (report + image_base64).
function resultCard(report, side, fileName, run, overlayPromise, fixPromise) {
  const overlay = overlayFigure(side);
  const fixed = fixedFigure(side);
  showOverlay(overlay, overlayPromise, run);
  showFixed(fixed, fixPromise, run, fileName, report);
  return el(
    "article",
    { class: `result v-${report.verdict}`, "data-side": side },
    side === "single" ? null : el("h3", { class: "side-title", text: t(side) }),
    fileName ? el("p", { class: "file-name", text: fileName }) : null,
    el("div", { class: "result-main" }, verdictBlock(report), el("div", { class: "shots" }, overlay.figure, fixed.figure)),
    // the message for the parent heads the hints column: it is what the secretary acts on
    el("div", { class: "result-hints" }, parentBlock(report), el("h4", { class: "hints-title", text: t("hints") }), ...checkList(report)),
  );
}

// The message for the parent (built by the engine from the hints), with a copy button.
function parentBlock(report) {
  if (!report.parent_message) return null;
  const text = el("textarea", { class: "parent-text", readonly: true, rows: 8, "aria-label": t("parentTitle") });
  text.value = report.parent_message;
  const done = el("span", { class: "copied", role: "status" });
  const button = el("button", { type: "button", class: "copy button", text: t("copy") });
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(report.parent_message);
    } catch {
      text.select(); // no clipboard permission: leave it selected for Ctrl+C
    }
    done.textContent = t("copied");
  });
  return el("section", { class: "parent-message" }, el("h4", { text: t("parentTitle") }), text, el("p", {}, button, " ", done));
}

function errorBlock(err, label) {
  return el("div", { class: "error-block", role: "alert" }, el("h3", { text: label ? t("errorTitleFor", { name: label }) : t("errorTitle") }), el("p", { text: errorText(err) }));
}

function statusCell(status) {
  if (!status) return el("span", { class: "badge s-none", text: t("notMeasuredMark") });
  return el("span", { class: `badge s-${status}`, text: statusWord(status) });
}

// ---- the print preview: the fixed photo at 35×45 mm on an 85.6×54 mm card ------------------------
function openPreview(src) {
  if (!src) return;
  $("id-photo").src = src;
  $("id-photo").alt = t("fixedAlt");
  $("preview").showModal();
}

// ---- a change request ------------------------------------------------------------------------
function comparisonBlock(comparison) {
  const differing = comparison.checks.filter((c) => c.better !== "equal");
  const betterWord = { current: t("betterCurrent"), new: t("betterNew"), equal: t("betterEqual") };
  const table = (rows) =>
    el(
      "table",
      { class: "compare-table" },
      el("thead", {}, el("tr", {}, ...["rule", "current", "new", "better"].map((k) => el("th", { scope: "col", text: t(k) })))),
      el(
        "tbody",
        {},
        ...rows.map((c) =>
          el(
            "tr",
            { "data-rule": c.id },
            el("th", { scope: "row" }, el("span", { text: c.title }), c.better !== "equal" ? el("span", { class: "row-message", text: c.message }) : null),
            el("td", { "data-label": t("current") }, statusCell(c.current)),
            el("td", { "data-label": t("new") }, statusCell(c.new)),
            el("td", { class: `better better-${c.better}`, "data-label": t("better"), text: betterWord[c.better] }),
          ),
        ),
      ),
    );
  return el(
    "section",
    { class: "comparison", "data-preferred": comparison.preferred, "aria-labelledby": "compare-title" },
    el("h2", { id: "compare-title", text: t("compareTitle") }),
    el("p", { class: `decision d-${comparison.decision}`, "data-decision": comparison.decision }, el("strong", { text: `${decisionWord(comparison.decision)}.` }), " ", comparison.decision_reason),
    el("p", { class: "compare-summary", text: comparison.summary }),
    el("h3", { text: t("differences") }),
    differing.length ? table(differing) : el("p", { text: t("noDifferences") }),
    el("details", {}, el("summary", { text: t("allRules") }), table(comparison.checks)),
  );
}

async function runCompare(run) {
  const current = $("current").files[0];
  const fresh = $("new").files[0];
  if (!current || !fresh) return announce(t("needBoth"));
  const out = $("output");
  out.replaceChildren();
  setBusy(true);
  announce(t("working"));
  const comparePromise = post("v1/compare", { current, new: fresh }).then((r) => r.json());
  const files = { current, new: fresh };
  const images = {};
  for (const side of ["current", "new"]) {
    images[side] = {
      overlay: post("v1/overlay", { photo: files[side] }).then((r) => r.blob()),
      fix: post("v1/fix", { photo: files[side] }, "application/json").then((r) => r.json()),
    };
    images[side].overlay.catch(() => {});
    images[side].fix.catch(() => {});
  }
  try {
    const comparison = await comparePromise;
    if (run !== state.run) return;
    const cards = ["current", "new"].map((side) => {
      const report = comparison[side];
      if (report.error) return el("article", { class: "result", "data-side": side }, el("h3", { class: "side-title", text: t(side) }), errorBlock(new ApiError(422, { code: report.error.code, detail: report.error.message }), files[side].name));
      return resultCard(report, side, files[side].name, run, images[side].overlay, images[side].fix);
    });
    out.replaceChildren(comparisonBlock(comparison), el("div", { class: "pair" }, ...cards));
    announce(`${decisionWord(comparison.decision)}. ${comparison.decision_reason}`);
  } catch (err) {
    if (run !== state.run) return;
    out.replaceChildren(errorBlock(err));
    announce(errorText(err));
    handleAuth(err);
  } finally {
    if (run === state.run) setBusy(false);
  }
}

// ---- the queue: many photos, checked one after another, walked with buttons or keys ------------
const PHOTO_TYPES = /\.(jpe?g|png|webp)$/i;

function addToQueue(files) {
  const known = new Set(state.queue.map((item) => item.key));
  const first = state.queue.length;
  for (const file of files) {
    const key = `${file.webkitRelativePath || file.name}|${file.size}|${file.lastModified}`;
    if (known.has(key) || !(PHOTO_TYPES.test(file.name) || file.type.startsWith("image/"))) continue;
    known.add(key);
    state.queue.push({ key, file, status: "pending", report: null, error: null, fix: null, mark: null });
  }
  if (state.queue.length > first && (state.index < 0 || state.index >= first)) state.index = first;
  renderQueue();
  showCurrent();
  pump();
}

function itemName(item) {
  return item.file.webkitRelativePath || item.file.name;
}

// Checks waiting photos one at a time (the server has few engine workers; the queue stays fair to others).
async function pump() {
  if (state.working) return;
  state.working = true;
  const run = state.run;
  try {
    for (let next = nextPending(); next && run === state.run; next = nextPending()) {
      next.status = "checking";
      renderQueue();
      let report = null;
      let error = null;
      try {
        report = await post("v1/check", { photo: next.file }, null, { overlay: "true" }).then((r) => r.json());
      } catch (err) {
        error = err;
      }
      if (run !== state.run) break; // asked again meanwhile (language, profile): this answer is stale
      Object.assign(next, report ? { report, status: "done" } : { error, status: "error" });
      if (error) handleAuth(error);
      renderQueue();
      if (state.queue[state.index] === next) showCurrent();
    }
  } finally {
    state.working = false;
  }
  if (run !== state.run && nextPending()) pump(); // a newer run (language, profile) took over
}

function nextPending() {
  const shown = state.queue[state.index];
  if (shown && shown.status === "pending") return shown; // the photo on screen first
  return state.queue.find((item) => item.status === "pending");
}

function badgeFor(item) {
  if (item.status === "done") return el("span", { class: `q-verdict v-${item.report.verdict}`, text: verdictWord(item.report.verdict) });
  if (item.status === "error") return el("span", { class: "q-verdict v-error", text: t("queueError") });
  return el("span", { class: "q-verdict v-pending", text: t(item.status === "checking" ? "queueChecking" : "queuePending") });
}

function markWord(mark) {
  return mark === "accept" ? t("markedAccept") : mark === "reject" ? t("markedReject") : t("markedNone");
}

function renderQueue() {
  const queue = $("queue");
  queue.hidden = state.queue.length < 1 || mode() !== "single";
  if (queue.hidden) return;
  const list = $("queue-list");
  list.replaceChildren(
    ...state.queue.map((item, i) => {
      const button = el(
        "button",
        { type: "button", class: "q-item", "data-index": i, "aria-current": i === state.index ? "true" : null },
        el("span", { class: "q-name", text: itemName(item) }),
        badgeFor(item),
        el("span", { class: `q-mark m-${item.mark || "none"}`, "data-mark": item.mark || "", text: markWord(item.mark) }),
      );
      button.addEventListener("click", () => go(i));
      return el("li", { "data-status": item.status }, button);
    }),
  );
  const done = state.queue.filter((item) => item.status === "done" || item.status === "error").length;
  $("queue-progress").textContent = t("queueProgress", { done, total: state.queue.length });
  const marked = state.queue.filter((item) => item.mark).length;
  $("marks-summary").textContent = t("marksSummary", { marked: plural(marked, "marked"), photos: plural(state.queue.length, "photo") });
  $("download-marks").disabled = state.queue.length === 0;
  $("shortcuts").textContent = t("shortcuts", { next: t("keyNext"), previous: t("keyPrevious"), accept: t("keyAccept"), reject: t("keyReject"), clear: t("keyClear") });
}

function go(index) {
  if (index < 0 || index >= state.queue.length || index === state.index) return;
  state.index = index;
  renderQueue();
  showCurrent();
  pump();
}

function mark(value) {
  const item = state.queue[state.index];
  if (!item) return;
  item.mark = value;
  renderQueue();
  const bar = $("output").querySelector(".mark-bar");
  if (bar) updateMarkBar(bar, item);
  if (value && state.index < state.queue.length - 1) go(state.index + 1); // marked: on to the next photo
}

function markBar(item) {
  const bar = el(
    "div",
    { class: "mark-bar", role: "group", "aria-label": t("marks") },
    el("button", { type: "button", class: "button q-prev", text: t("previous"), disabled: state.index === 0 }),
    el("p", { class: "q-position", text: t("queuePosition", { index: state.index + 1, total: state.queue.length, name: itemName(item) }) }),
    el("button", { type: "button", class: "button q-accept", "aria-pressed": "false", text: t("markAccept") }),
    el("button", { type: "button", class: "button q-reject", "aria-pressed": "false", text: t("markReject") }),
    el("button", { type: "button", class: "button q-clear", text: t("markClear") }),
    el("button", { type: "button", class: "button q-next", text: t("next"), disabled: state.index === state.queue.length - 1 }),
  );
  bar.querySelector(".q-prev").addEventListener("click", () => go(state.index - 1));
  bar.querySelector(".q-next").addEventListener("click", () => go(state.index + 1));
  bar.querySelector(".q-accept").addEventListener("click", () => mark("accept"));
  bar.querySelector(".q-reject").addEventListener("click", () => mark("reject"));
  bar.querySelector(".q-clear").addEventListener("click", () => mark(null));
  updateMarkBar(bar, item);
  return bar;
}

function updateMarkBar(bar, item) {
  bar.querySelector(".q-accept").setAttribute("aria-pressed", String(item.mark === "accept"));
  bar.querySelector(".q-reject").setAttribute("aria-pressed", String(item.mark === "reject"));
  bar.querySelector(".q-clear").disabled = !item.mark;
}

function showCurrent() {
  const item = state.queue[state.index];
  const out = $("output");
  if (!item || mode() !== "single") return;
  const run = state.run;
  releaseUrls();
  const bar = markBar(item);
  if (item.status === "pending" || item.status === "checking") {
    setBusy(true);
    out.replaceChildren(bar, el("p", { class: "pending", text: t("working") }));
    announce(t("working"));
    return;
  }
  setBusy(false);
  if (item.status === "error") {
    out.replaceChildren(bar, errorBlock(item.error, itemName(item)));
    announce(errorText(item.error));
    return;
  }
  const report = item.report;
  if (!item.fix) {
    item.fix = post("v1/fix", { photo: item.file }, "application/json").then((r) => r.json());
    item.fix.catch(() => {});
  }
  const overlay = Promise.resolve(jpegBlob(report.overlay_base64));
  out.replaceChildren(bar, resultCard(report, "single", itemName(item), run, overlay, item.fix));
  const c = counts(report);
  announce(t("summaryOne", { verdict: verdictWord(report.verdict), score: report.score, fails: c.fails, warns: c.warns }));
}

// The secretary's marks as CSV for Polish Excel: UTF-8 with a BOM, ";" between fields, CRLF.
function marksCsv() {
  const cell = (value) => {
    const text = String(value ?? "");
    return /[";\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const rows = [["csvFile", "csvVerdict", "csvScore", "csvMainProblem", "csvMark"].map((k) => t(k))];
  for (const item of state.queue) {
    const report = item.report;
    rows.push([
      itemName(item),
      report ? verdictWord(report.verdict) : t(item.status === "error" ? "queueError" : "queuePending"),
      report ? report.score : "",
      report && report.main_problem ? report.main_problem.title : "",
      item.mark ? markWord(item.mark) : "",
    ]);
  }
  return "\ufeff" + rows.map((row) => row.map(cell).join(";")).join("\r\n") + "\r\n";
}

function downloadMarks() {
  const url = URL.createObjectURL(new Blob([marksCsv()], { type: "text/csv;charset=utf-8" }));
  const link = el("a", { href: url, download: t("csvName"), hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function onKey(event) {
  if (mode() !== "single" || !state.queue.length || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target.closest("input, textarea, select, [contenteditable]") || $("preview").open) return;
  const key = event.key.toUpperCase();
  const actions = {
    [t("keyNext")]: () => go(state.index + 1),
    [t("keyPrevious")]: () => go(state.index - 1),
    [t("keyAccept")]: () => mark("accept"),
    [t("keyReject")]: () => mark("reject"),
    [t("keyClear")]: () => mark(null),
    ARROWRIGHT: () => go(state.index + 1),
    ARROWLEFT: () => go(state.index - 1),
  };
  if (actions[key]) {
    event.preventDefault();
    actions[key]();
  }
}

// ---- running -------------------------------------------------------------------------------------
function mode() {
  return document.querySelector('input[name="mode"]:checked').value;
}

function setBusy(busy) {
  $("results").setAttribute("aria-busy", busy ? "true" : "false");
  $("run").disabled = busy && mode() === "compare";
}

function announce(text) {
  $("status").textContent = text;
}

function handleAuth(err) {
  if (err.code === "unauthorized") {
    $("token-box").open = true;
    $("token").focus();
  }
}

// A new language or profile asks again: every photo of the queue is checked anew, marks kept.
function restart() {
  state.run += 1;
  releaseUrls();
  if (mode() === "compare") return runCompare(state.run);
  if (!state.queue.length) return announce(t("needPhoto"));
  for (const item of state.queue) Object.assign(item, { status: "pending", report: null, error: null, fix: null });
  renderQueue();
  showCurrent();
  pump();
}

function ready() {
  return mode() === "single" ? state.queue.length > 0 : $("current").files.length > 0 && $("new").files.length > 0;
}

// ---- page setup ---------------------------------------------------------------------------------
function applyLanguage(lang) {
  state.lang = DATA.words[lang] ? lang : DATA.default_lang;
  document.documentElement.lang = state.lang;
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll("[data-i18n-label]")) node.setAttribute("aria-label", t(node.dataset.i18nLabel));
  for (const button of document.querySelectorAll("button.lang")) button.setAttribute("aria-pressed", button.dataset.lang === state.lang ? "true" : "false");
  try {
    localStorage.setItem(LANG_KEY, state.lang);
  } catch (err) {
    /* storage may be off; the switch still works for this page */
  }
}

function showMode() {
  const current = mode();
  for (const drop of document.querySelectorAll(".drop")) drop.hidden = drop.dataset.mode !== current;
  $("output").replaceChildren();
  renderQueue();
  if (current === "single" && state.queue.length) showCurrent();
  else announce(t("idle"));
}

// Files from a drop: folders are walked (Chromium, Firefox and Safari give entries).
async function droppedFiles(transfer) {
  const entries = [...transfer.items].map((item) => item.webkitGetAsEntry && item.webkitGetAsEntry()).filter(Boolean);
  if (!entries.length) return [...transfer.files];
  const files = [];
  const walk = async (entry) => {
    if (entry.isFile) files.push(await new Promise((resolve, reject) => entry.file(resolve, reject)));
    else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (let batch = await readBatch(reader); batch.length; batch = await readBatch(reader)) for (const child of batch) await walk(child);
    }
  };
  const readBatch = (reader) => new Promise((resolve, reject) => reader.readEntries(resolve, reject));
  for (const entry of entries) await walk(entry);
  return files;
}

function setUpDrop(drop) {
  const inputs = [...drop.querySelectorAll('input[type="file"]')];
  const stop = (event) => {
    event.preventDefault();
    event.stopPropagation();
  };
  drop.addEventListener("dragenter", (e) => { stop(e); drop.classList.add("dragging"); });
  drop.addEventListener("dragover", (e) => { stop(e); drop.classList.add("dragging"); });
  drop.addEventListener("dragleave", (e) => { stop(e); drop.classList.remove("dragging"); });
  drop.addEventListener("drop", async (e) => {
    stop(e);
    drop.classList.remove("dragging");
    if (!e.dataTransfer) return;
    if (drop.dataset.mode === "single") return addToQueue(await droppedFiles(e.dataTransfer));
    if (!e.dataTransfer.files.length) return;
    const transfer = new DataTransfer();
    transfer.items.add(e.dataTransfer.files[0]);
    inputs[0].files = transfer.files;
    inputs[0].dispatchEvent(new Event("change", { bubbles: true }));
  });
  for (const input of inputs) {
    input.addEventListener("change", () => {
      if (drop.dataset.mode === "single") addToQueue([...input.files]);
      else if (ready()) restart();
    });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  let saved = DATA.default_lang;
  try {
    saved = localStorage.getItem(LANG_KEY) || saved;
  } catch (err) {
    /* storage off: the default language */
  }
  applyLanguage(saved);
  announce(t("idle"));

  const token = $("token");
  token.value = sessionStorage.getItem(TOKEN_KEY) || "";
  token.addEventListener("input", () => {
    if (token.value) sessionStorage.setItem(TOKEN_KEY, token.value.trim());
    else sessionStorage.removeItem(TOKEN_KEY);
  });

  for (const button of document.querySelectorAll("button.lang")) {
    button.addEventListener("click", () => {
      if (button.dataset.lang === state.lang) return;
      applyLanguage(button.dataset.lang);
      renderQueue();
      if (ready()) restart();
      else announce(t("idle"));
    });
  }
  for (const radio of document.querySelectorAll('input[name="mode"]')) {
    radio.addEventListener("change", () => {
      showMode();
      if (mode() === "compare" && ready()) restart();
    });
  }
  $("profile").addEventListener("change", () => {
    if (ready()) restart();
  });
  document.querySelectorAll(".drop").forEach(setUpDrop);
  $("form").addEventListener("submit", (event) => {
    event.preventDefault();
    restart();
  });
  $("download-marks").addEventListener("click", downloadMarks);
  $("print").addEventListener("click", () => window.print());
  $("close-preview").addEventListener("click", () => $("preview").close());
  document.addEventListener("keydown", onKey);
  // the marks live only in this tab: the browser asks before a reload or close would drop them
  window.addEventListener("beforeunload", (event) => {
    if (state.queue.some((item) => item.mark)) event.preventDefault();
  });
});
