// Review page for school ID photos: plain JavaScript, no build step, no external resources.
// It calls the public API like any other client: /v1/check?overlay=true (the report with what
// the engine saw drawn by the server, in one engine run), /v1/overlay (for a comparison), /v1/fix (the fixed photo, as JSON with base64) and,
// for a change request, /v1/compare. Text from the server (hints, titles) comes in the chosen
// language; the page's own words are below.
"use strict";

const TEXT = {
  pl: {
    pageTitle: "Przegląd zdjęć do legitymacji – idphoto",
    skip: "Przejdź do wyników",
    title: "Przegląd zdjęć do legitymacji",
    modeLegend: "Co sprawdzasz?",
    modeSingle: "Jedno zdjęcie",
    modeCompare: "Wniosek o zmianę: obecne i nowe zdjęcie",
    photoLabel: "Zdjęcie do sprawdzenia",
    currentLabel: "Obecne (zaakceptowane) zdjęcie",
    newLabel: "Nowe zdjęcie (z wniosku rodzica)",
    dropHint: "Wybierz plik albo upuść go tutaj (JPEG, PNG lub WebP).",
    profileLabel: "Wymagania",
    run: "Sprawdź",
    tokenSummary: "Token dostępu (jeśli serwer go wymaga)",
    tokenLabel: "Token API",
    tokenHint: "Zapamiętany tylko w tej karcie przeglądarki.",
    results: "Wyniki",
    idle: "Wybierz zdjęcie, aby zobaczyć, co widzi system.",
    privacy: "Zdjęcia nie są zapisywane na serwerze. Werdykt to podpowiedź: decyzję podejmuje sekretariat.",
    needPhoto: "Najpierw wybierz zdjęcie.",
    needBoth: "Wybierz oba zdjęcia: obecne i nowe.",
    working: "Sprawdzam…",
    loading: "Ładowanie…",
    verdict: { accept: "Akceptuj", review: "Do sprawdzenia", reject: "Odrzuć" },
    suggestion: "Sugestia systemu",
    mainProblem: "Główny problem",
    parentTitle: "Wiadomość do rodzica",
    copy: "Kopiuj wiadomość",
    copied: "Skopiowano.",
    score: "Wynik",
    of100: "na 100",
    counts: (f, w, p) => `${plural(f, "błąd", "błędy", "błędów")}, ${plural(w, "uwaga", "uwagi", "uwag")}, ${plural(p, "spełnione", "spełnione", "spełnionych")}`,
    status: { fail: "Błąd", warn: "Uwaga", info: "Informacja", pass: "OK" },
    measured: "zmierzono",
    required: "wymagane",
    notMeasured: "nie zmierzono",
    skipped: "Nie sprawdzono (brak twarzy)",
    hints: "Wskazówki",
    seen: "Co widzi system",
    legendFace: "twarz",
    legendEyes: "środki oczu",
    legendCrop: "proponowany kadr 35×45",
    legendOut: "kadr wychodzi poza zdjęcie",
    overlayAlt: "Zdjęcie z zaznaczoną twarzą, oczami i proponowanym kadrem 35×45 mm",
    fixed: "Po poprawie",
    fixedAlt: "Poprawione zdjęcie 35×45 mm",
    fixedInfo: (w, h, kb, q) => `${w}×${h} px, ${kb} KB, jakość JPEG ${q}`,
    download: "Pobierz poprawione zdjęcie",
    notFixable: "Tego zdjęcia nie da się poprawić automatycznie:",
    fixedWorse: (fixed, source) => `Poprawione zdjęcie wypadło gorzej (${fixed}) niż oryginał (${source}), dlatego nie można go pobrać. Prosimy poprosić rodzica o nowe zdjęcie.`,
    failedImage: "Nie udało się przygotować obrazu.",
    summaryOne: (v, s, f, w) => `Wynik ${s} na 100: ${v}. ${plural(f, "błąd", "błędy", "błędów")}, ${plural(w, "uwaga", "uwagi", "uwag")}.`,
    decision: { accept_new: "Przyjmij nowe zdjęcie", reject_request: "Odrzuć prośbę", needs_decision: "Decyzja sekretariatu" },
    current: "Obecne zdjęcie",
    new: "Nowe zdjęcie",
    compareTitle: "Które zdjęcie jest lepsze?",
    prefers: "System preferuje",
    preferredSide: { current: "obecne zdjęcie", new: "nowe zdjęcie", equal: "żadnego – wypadają tak samo" },
    preferredBadge: "Preferowane",
    why: {
      verdict: (side, a, b) => `${side} ma lepszy werdykt: ${a} zamiast ${b}.`,
      score: (side, a, b) => `Ten sam werdykt, ale ${side.toLowerCase()} ma wyższy wynik: ${a} wobec ${b}.`,
      equal: () => "Oba zdjęcia wypadają tak samo.",
    },
    whySide: { current: "Obecne zdjęcie", new: "Nowe zdjęcie" },
    rule: "Wymaganie",
    better: "Lepsze",
    betterSide: { current: "obecne", new: "nowe", equal: "tak samo" },
    differences: "Różnice między zdjęciami",
    noDifferences: "Oba zdjęcia spełniają te same wymagania.",
    allRules: "Wszystkie wymagania",
    errorTitle: "Nie udało się sprawdzić zdjęcia",
    errors: {
      unauthorized: "Serwer wymaga tokenu dostępu. Wpisz go w polu „Token API” i spróbuj ponownie.",
      too_large: "Plik jest za duży.",
      busy: "Serwer jest zajęty. Spróbuj ponownie za chwilę.",
      empty: "Plik jest pusty.",
      not_an_image: "To nie jest zdjęcie (oczekiwany JPEG, PNG lub WebP).",
      unsupported_format: "Zdjęcia HEIC/HEIF/AVIF nie są obsługiwane. Prosimy zapisać zdjęcie jako JPEG.",
      bad_dimensions: "Wymiary obrazu nie pasują do zdjęcia (bok poniżej 32 lub powyżej 16 384 px albo zbyt wydłużony kadr).",
      too_many_scans: "Plik JPEG ma nietypową budowę (za dużo skanów) i nie może zostać sprawdzony.",
      truncated: "Plik jest uszkodzony lub niekompletny.",
      too_many_pixels: "Zdjęcie ma za dużo pikseli.",
      processing_failed: "Silnik przerwał pracę przy tym zdjęciu.",
      processing_timeout: "Sprawdzanie trwało za długo.",
      network: "Brak połączenia z serwerem.",
    },
  },
  en: {
    pageTitle: "ID photo review – idphoto",
    skip: "Skip to results",
    title: "School ID photo review",
    modeLegend: "What are you checking?",
    modeSingle: "One photo",
    modeCompare: "Change request: current and new photo",
    photoLabel: "Photo to check",
    currentLabel: "Current (accepted) photo",
    newLabel: "New photo (from the parent's request)",
    dropHint: "Choose a file or drop it here (JPEG, PNG or WebP).",
    profileLabel: "Requirements",
    run: "Check",
    tokenSummary: "Access token (if the server needs one)",
    tokenLabel: "API token",
    tokenHint: "Kept only in this browser tab.",
    results: "Results",
    idle: "Choose a photo to see what the system sees.",
    privacy: "Photos are not stored on the server. The verdict is a suggestion: the school office decides.",
    needPhoto: "Choose a photo first.",
    needBoth: "Choose both photos: the current and the new one.",
    working: "Checking…",
    loading: "Loading…",
    verdict: { accept: "Accept", review: "Review", reject: "Reject" },
    suggestion: "The system suggests",
    mainProblem: "Main problem",
    parentTitle: "Message for the parent",
    copy: "Copy the message",
    copied: "Copied.",
    score: "Score",
    of100: "of 100",
    counts: (f, w, p) => `${f} ${f === 1 ? "failure" : "failures"}, ${w} ${w === 1 ? "warning" : "warnings"}, ${p} passed`,
    status: { fail: "Fail", warn: "Warning", info: "Note", pass: "OK" },
    measured: "measured",
    required: "required",
    notMeasured: "not measured",
    skipped: "Not checked (no face)",
    hints: "Hints",
    seen: "What the system sees",
    legendFace: "face",
    legendEyes: "eye centres",
    legendCrop: "proposed 35×45 crop",
    legendOut: "crop leaves the photo",
    overlayAlt: "The photo with the face, the eyes and the proposed 35×45 mm crop marked",
    fixed: "After auto-fix",
    fixedAlt: "The fixed 35×45 mm photo",
    fixedInfo: (w, h, kb, q) => `${w}×${h} px, ${kb} KB, JPEG quality ${q}`,
    download: "Download the fixed photo",
    notFixable: "This photo cannot be fixed automatically:",
    fixedWorse: (fixed, source) => `The fixed photo came out worse (${fixed}) than the original (${source}), so it cannot be downloaded. Please ask the parent for a new photo.`,
    failedImage: "The image could not be prepared.",
    summaryOne: (v, s, f, w) => `Score ${s} of 100: ${v}. ${f} ${f === 1 ? "failure" : "failures"}, ${w} ${w === 1 ? "warning" : "warnings"}.`,
    decision: { accept_new: "Accept the new photo", reject_request: "Reject the request", needs_decision: "Your decision" },
    current: "Current photo",
    new: "New photo",
    compareTitle: "Which photo is better?",
    prefers: "The system prefers",
    preferredSide: { current: "the current photo", new: "the new photo", equal: "neither – they come out the same" },
    preferredBadge: "Preferred",
    why: {
      verdict: (side, a, b) => `${side} has the better verdict: ${a} instead of ${b}.`,
      score: (side, a, b) => `Same verdict, but ${side.toLowerCase()} scores higher: ${a} against ${b}.`,
      equal: () => "Both photos come out the same.",
    },
    whySide: { current: "The current photo", new: "The new photo" },
    rule: "Requirement",
    better: "Better",
    betterSide: { current: "current", new: "new", equal: "same" },
    differences: "Differences between the photos",
    noDifferences: "Both photos meet the same requirements.",
    allRules: "All requirements",
    errorTitle: "The photo could not be checked",
    errors: {
      unauthorized: "The server needs an access token. Enter it under “API token” and try again.",
      too_large: "The file is too large.",
      busy: "The server is busy. Try again in a moment.",
      empty: "The file is empty.",
      not_an_image: "This is not a photo (JPEG, PNG or WebP expected).",
      unsupported_format: "HEIC/HEIF/AVIF photos are not supported. Save the photo as JPEG.",
      truncated: "The file is damaged or incomplete.",
      too_many_pixels: "The image has too many pixels.",
      bad_dimensions: "The image's size does not fit a photo (a side under 32 or over 16,384 px, or far too elongated).",
      too_many_scans: "The JPEG file has an unusual structure (too many scans) and cannot be checked.",
      processing_failed: "The engine stopped on this photo.",
      processing_timeout: "The check took too long.",
      network: "The server cannot be reached.",
    },
  },
};

const STATUS_ORDER = { fail: 0, warn: 1, info: 2, pass: 3 }; // an advisory note never before a real problem
const TOKEN_KEY = "idphoto-token";
const LANG_KEY = "idphoto-lang";

const state = { lang: "pl", run: 0, urls: [] };
const $ = (id) => document.getElementById(id);

function plural(n, one, few, many) {
  const word = n === 1 ? one : n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 12 || n % 100 > 14) ? few : many;
  return `${n} ${word}`;
}

function t(key) {
  return TEXT[state.lang][key];
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

// ---- formatting -----------------------------------------------------------------------------
function number(value, digits) {
  return new Intl.NumberFormat(state.lang === "pl" ? "pl-PL" : "en-GB", {
    maximumFractionDigits: digits,
    minimumFractionDigits: 0,
  }).format(value);
}

// Measurement names, values and limits come printed in the report (rules/messages.toml),
// so the page shows exactly the words the API and the CLI give.
function nbsp(text) {
  return text.replace(/ /g, "\u00a0");
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

function errorText(err) {
  const known = t("errors")[err.code];
  if (known) return known;
  return err.problem && err.problem.detail ? err.problem.detail : err.message;
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
function gauge(score, verdict) {
  const cx = 100, cy = 100, r = 76;
  const point = (s) => {
    const angle = Math.PI * (1 - s / 100);
    return [cx + r * Math.cos(angle), cy - r * Math.sin(angle)];
  };
  const arc = (from, to) => {
    const [x0, y0] = point(from);
    const [x1, y1] = point(to);
    return `M ${x0.toFixed(2)} ${y0.toFixed(2)} A ${r} ${r} 0 0 1 ${x1.toFixed(2)} ${y1.toFixed(2)}`;
  };
  const label = `${t("score")} ${score} ${t("of100")}: ${t("verdict")[verdict]}`;
  const bands = [
    ["band-reject", 0, 49.5],
    ["band-review", 50.5, 79.5],
    ["band-accept", 80.5, 100],
  ];
  const picture = svg(
    "svg",
    { viewBox: "0 0 200 118", class: "gauge-svg", role: "img", "aria-label": label, focusable: "false" },
    ...bands.map(([cls, a, b]) => svg("path", { d: arc(a, b), class: `gauge-band ${cls}` })),
    ...(score > 0 ? [svg("path", { d: arc(0, Math.max(score, 0.5)), class: `gauge-value v-${verdict}` })] : []),
    svg("text", { x: 100, y: 92, class: "gauge-number", "text-anchor": "middle" }, document.createTextNode(String(score))),
    svg("text", { x: 100, y: 112, class: "gauge-of", "text-anchor": "middle" }, document.createTextNode(`/ 100`)),
  );
  return picture;
}

function verdictBlock(report) {
  const checks = report.checks || [];
  const count = (s) => checks.filter((c) => c.status === s).length;
  return el(
    "div",
    { class: `verdict-block v-${report.verdict}` },
    gauge(report.score, report.verdict),
    el(
      "div",
      { class: "verdict-text" },
      el("p", { class: "verdict-label", text: t("suggestion") }),
      el("p", { class: "verdict", "data-verdict": report.verdict, text: t("verdict")[report.verdict] }),
      el("p", { class: "counts", text: t("counts")(count("fail"), count("warn"), count("pass")) }),
      report.main_problem
        ? el("p", { class: "main-problem", "data-rule": report.main_problem.id },
            el("strong", { text: `${t("mainProblem")}: ${report.main_problem.title}. ` }), report.main_problem.message)
        : null,
    ),
  );
}

function checkList(report) {
  const checks = [...(report.checks || [])].sort(
    (a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status],
  );
  const list = el("ul", { class: "checks" });
  for (const c of checks) {
    const limit = c.limit_text ? nbsp(c.limit_text) : null;
    const known = c.value_text !== null && c.value_text !== undefined;
    const measured = c.measure
      ? el(
          "p",
          { class: "measure" },
          el("span", { class: "measure-name", text: `${c.measure_label || c.measure}: ` }),
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
        el("span", { class: "badge", text: t("status")[c.status] }),
        el(
          "div",
          { class: "check-body" },
          el("h4", { class: "check-title", text: c.title }),
          el("p", { class: "check-message", text: c.message }),
          measured,
        ),
      ),
    );
  }
  const skipped = (report.skipped || []).length
    ? el("p", { class: "skipped", text: `${t("skipped")}: ${(report.skipped_titles || report.skipped).join(", ")}` })
    : null;
  return [list, skipped];
}

function overlayFigure(side) {
  const img = el("img", { class: "overlay-img", alt: t("overlayAlt"), hidden: true });
  const wait = el("p", { class: "pending", text: t("loading") });
  const legend = el(
    "ul",
    { class: "legend" },
    el("li", {}, el("span", { class: "swatch sw-crop", "aria-hidden": "true" }), t("legendCrop")),
    el("li", {}, el("span", { class: "swatch sw-out", "aria-hidden": "true" }), t("legendOut")),
    el("li", {}, el("span", { class: "swatch sw-face", "aria-hidden": "true" }), t("legendFace")),
    el("li", {}, el("span", { class: "swatch sw-eyes", "aria-hidden": "true" }), t("legendEyes")),
  );
  const figure = el(
    "figure",
    { class: "shot", "data-part": "overlay", "data-side": side },
    el("figcaption", { text: t("seen") }),
    el("div", { class: "frame" }, wait, img),
    legend,
  );
  return { figure, img, wait };
}

function fixedFigure(side) {
  const img = el("img", { class: "fixed-img crop-preview", alt: t("fixedAlt"), hidden: true });
  const wait = el("p", { class: "pending", text: t("loading") });
  const caption = el("div", { class: "fixed-caption" });
  const figure = el(
    "figure",
    { class: "shot", "data-part": "fixed", "data-side": side },
    el("figcaption", { text: t("fixed") }),
    el("div", { class: "frame frame-id" }, wait, img),
    caption,
  );
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

// Verdicts, best first. The engine never writes a fixed photo worse than its source; the page
// still offers a download only when that holds, so a fault anywhere cannot put one in a parent's hands.
const VERDICT_RANK = { accept: 0, review: 1, reject: 2 };

function showFixed(parts, promise, run, fileName, source) {
  promise
    .then(async (response) => {
      const fixed = await response.json();
      if (run !== state.run) return;
      const worse = fixed.verdict === "reject" || !(VERDICT_RANK[fixed.verdict] <= VERDICT_RANK[source.verdict]);
      if (worse) {
        parts.img.remove();
        parts.wait.remove();
        const box = el("div", { class: "not-fixable fixed-worse" });
        box.append(el("p", { text: t("fixedWorse")(t("verdict")[fixed.verdict] || fixed.verdict, t("verdict")[source.verdict]) }));
        parts.figure.querySelector(".frame").replaceWith(box);
        return;
      }
      const url = keepUrl(URL.createObjectURL(jpegBlob(fixed.image_base64)));
      parts.img.src = url;
      parts.img.hidden = false;
      parts.wait.remove();
      const info = fixed.fix || {};
      const stem = (fileName || "zdjecie").replace(/\.[^.]*$/, "").replace(/[^\w.-]+/g, "_") || "zdjecie";
      parts.caption.append(
        el("span", { class: "fixed-info", text: t("fixedInfo")(info.width, info.height, number((info.bytes || 0) / 1024, 0), info.quality) }),
        el("span", { class: `mini-verdict v-${fixed.verdict}`, text: `${t("verdict")[fixed.verdict]} · ${fixed.score}/100` }),
        el("a", { class: "download button", href: url, download: `${stem}-35x45.jpg`, text: t("download") }),
      );
    })
    .catch((err) => {
      if (run !== state.run) return;
      parts.img.remove();
      parts.wait.remove();
      const box = el("div", { class: "not-fixable" });
      if (err.code === "not_fixable" && Array.isArray(err.problem.reasons)) {
        box.append(
          el("p", { text: t("notFixable") }),
          el("ul", {}, ...err.problem.reasons.map((r) => el("li", { "data-rule": r.id, text: r.message }))),
        );
      } else {
        box.append(el("p", { class: "error", text: `${t("failedImage")} ${errorText(err)}` }));
      }
      parts.figure.querySelector(".frame").replaceWith(box);
      const shots = parts.figure.closest(".shots");
      if (shots) shots.classList.add("no-fix"); // the overlay gets the whole width
    });
}

// One photo's card: verdict and gauge, the overlay, the fixed photo, the hints.
function resultCard(report, side, fileName, run, overlayPromise, fixPromise, preferred) {
  const overlay = overlayFigure(side);
  const fixed = fixedFigure(side);
  showOverlay(overlay, overlayPromise, run);
  showFixed(fixed, fixPromise, run, fileName, report);
  const heading = side === "single" ? null : el("h3", { class: "side-title" }, t(side), preferred ? el("span", { class: "preferred-badge", text: t("preferredBadge") }) : null);
  return el(
    "article",
    { class: `result v-${report.verdict}${preferred ? " is-preferred" : ""}`, "data-side": side },
    heading,
    fileName ? el("p", { class: "file-name", text: fileName }) : null,
    el("div", { class: "result-main" }, verdictBlock(report), el("div", { class: "shots" }, overlay.figure, fixed.figure)),
    el("div", { class: "result-hints" }, el("h4", { class: "hints-title", text: t("hints") }), ...checkList(report)),
    parentBlock(report),
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

function comparisonBlock(comparison) {
  const differing = comparison.checks.filter((c) => c.better !== "equal");
  const table = (rows) =>
    el(
      "table",
      { class: "compare-table" },
      el(
        "thead",
        {},
        el("tr", {}, el("th", { scope: "col", text: t("rule") }), el("th", { scope: "col", text: t("current") }), el("th", { scope: "col", text: t("new") }), el("th", { scope: "col", text: t("better") })),
      ),
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
            el("td", { class: `better better-${c.better}`, "data-label": t("better"), text: t("betterSide")[c.better] }),
          ),
        ),
      ),
    );
  return el(
    "section",
    { class: `comparison prefers-${comparison.preferred}`, "aria-labelledby": "compare-title" },
    el("h2", { id: "compare-title", text: t("compareTitle") }),
    el("p", { class: `decision d-${comparison.decision}`, "data-decision": comparison.decision },
      el("strong", { text: `${t("decision")[comparison.decision]}. ` }), comparison.decision_reason),
    el("p", { class: "preferred" }, `${t("prefers")}: `, el("strong", { "data-preferred": comparison.preferred, text: t("preferredSide")[comparison.preferred] })),
    el("p", { class: "compare-summary", text: whyText(comparison) }),
    el("h3", { text: t("differences") }),
    differing.length ? table(differing) : el("p", { text: t("noDifferences") }),
    el("details", {}, el("summary", { text: t("allRules") }), table(comparison.checks)),
  );
}

// Why the engine prefers one photo, in words and the page's verdict names (the server's
// `summary` says the same with raw verdict ids; its choice is what is shown, never recomputed).
function whyText(comparison) {
  const { preferred, current, new: fresh } = comparison;
  if (preferred === "equal" || current.error || fresh.error) return comparison.summary;
  const [better, worse] = preferred === "current" ? [current, fresh] : [fresh, current];
  const side = t("whySide")[preferred];
  const word = (v) => t("verdict")[v];
  if (better.verdict !== worse.verdict) return t("why").verdict(side, word(better.verdict), word(worse.verdict));
  if (better.score !== worse.score) return t("why").score(side, better.score, worse.score);
  return t("why").equal();
}

function statusCell(status) {
  if (!status) return el("span", { class: "badge s-none", text: "—" });
  return el("span", { class: `badge s-${status}`, text: t("status")[status] });
}

function errorBlock(err, label) {
  return el(
    "div",
    { class: "error-block", role: "alert" },
    el("h3", { text: label ? `${t("errorTitle")}: ${label}` : t("errorTitle") }),
    el("p", { text: errorText(err) }),
  );
}

// ---- running a check ----------------------------------------------------------------------------
function mode() {
  return document.querySelector('input[name="mode"]:checked').value;
}

function setBusy(busy) {
  $("results").setAttribute("aria-busy", busy ? "true" : "false");
  $("run").disabled = busy;
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

async function runSingle(run) {
  const file = $("photo").files[0];
  if (!file) return announce(t("needPhoto"));
  const out = $("output");
  out.replaceChildren();
  setBusy(true);
  announce(t("working"));
  const checkPromise = post("v1/check", { photo: file }, null, { overlay: "true" }).then((r) => r.json());
  const overlayPromise = checkPromise.then((report) => jpegBlob(report.overlay_base64));
  const fixPromise = post("v1/fix", { photo: file }, "application/json");
  [overlayPromise, fixPromise].forEach((p) => p.catch(() => {}));
  try {
    const report = await checkPromise;
    if (run !== state.run) return;
    out.replaceChildren(resultCard(report, "single", file.name, run, overlayPromise, fixPromise, false));
    const count = (s) => report.checks.filter((c) => c.status === s).length;
    announce(t("summaryOne")(t("verdict")[report.verdict], report.score, count("fail"), count("warn")));
  } catch (err) {
    if (run !== state.run) return;
    out.replaceChildren(errorBlock(err, file.name));
    announce(errorText(err));
    handleAuth(err);
  } finally {
    if (run === state.run) setBusy(false);
  }
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
      fix: post("v1/fix", { photo: files[side] }, "application/json"),
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
      // a rejected photo is never badged as preferred (of two rejected photos, neither is)
      const badge = comparison.preferred === side && report.verdict !== "reject";
      return resultCard(report, side, files[side].name, run, images[side].overlay, images[side].fix, badge);
    });
    out.replaceChildren(comparisonBlock(comparison), el("div", { class: "pair" }, ...cards));
    announce(`${t("decision")[comparison.decision]}. ${comparison.decision_reason}`);
  } catch (err) {
    if (run !== state.run) return;
    out.replaceChildren(errorBlock(err));
    announce(errorText(err));
    handleAuth(err);
  } finally {
    if (run === state.run) setBusy(false);
  }
}

function start() {
  state.run += 1;
  releaseUrls();
  return mode() === "single" ? runSingle(state.run) : runCompare(state.run);
}

function ready() {
  return mode() === "single" ? $("photo").files.length > 0 : $("current").files.length > 0 && $("new").files.length > 0;
}

// ---- page setup ---------------------------------------------------------------------------------
function applyLanguage(lang) {
  state.lang = TEXT[lang] ? lang : "pl";
  document.documentElement.lang = state.lang;
  document.title = t("pageTitle");
  for (const node of document.querySelectorAll("[data-i18n]")) {
    const value = t(node.dataset.i18n);
    if (typeof value === "string") node.textContent = value;
  }
  for (const button of document.querySelectorAll("button.lang")) {
    button.setAttribute("aria-pressed", button.dataset.lang === state.lang ? "true" : "false");
  }
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
  announce(t("idle"));
}

function setUpDrop(drop) {
  const input = drop.querySelector('input[type="file"]');
  const stop = (event) => {
    event.preventDefault();
    event.stopPropagation();
  };
  drop.addEventListener("dragenter", (e) => { stop(e); drop.classList.add("dragging"); });
  drop.addEventListener("dragover", (e) => { stop(e); drop.classList.add("dragging"); });
  drop.addEventListener("dragleave", (e) => { stop(e); drop.classList.remove("dragging"); });
  drop.addEventListener("drop", (e) => {
    stop(e);
    drop.classList.remove("dragging");
    if (!e.dataTransfer || !e.dataTransfer.files.length) return;
    const transfer = new DataTransfer();
    transfer.items.add(e.dataTransfer.files[0]);
    input.files = transfer.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });
  input.addEventListener("change", () => {
    if (ready()) start();
  });
}

document.addEventListener("DOMContentLoaded", () => {
  let saved = "pl";
  try {
    saved = localStorage.getItem(LANG_KEY) || "pl";
  } catch (err) {
    saved = "pl";
  }
  applyLanguage(saved);

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
      if (ready()) start();
      else announce(t("idle"));
    });
  }
  for (const radio of document.querySelectorAll('input[name="mode"]')) {
    radio.addEventListener("change", () => {
      showMode();
      if (ready()) start();
    });
  }
  $("profile").addEventListener("change", () => {
    if (ready()) start();
  });
  document.querySelectorAll(".drop").forEach(setUpDrop);
  $("form").addEventListener("submit", (event) => {
    event.preventDefault();
    start();
  });
});
