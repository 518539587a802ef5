// The simulator: a form for what a treasurer knows, turned into a contract (the same file the
// CLI reads) and posted to /api/v1/budget and /api/v1/explain as they type. No arithmetic on
// amounts here: every figure shown comes from the engine; amounts are formatted from the
// engine's decimal strings without going through floating point.
"use strict";

const DRAFT_KEY = "cpts-funding.draft.v1";
const YEARS = 5;
const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

let rules = null; // GET /api/v1/rules at the signature date
let state = null; // the form's content
let pathMap = {}; // contract path -> form element, for diagnostics at the field
let timer = null;
let seq = 0;

// ---------- amounts and words ----------

/** "1234567.5" -> "1 234 567,50 €" (narrow no-break spaces), from the string itself. */
function eur(s) {
  if (s === null || s === undefined || s === "") return "—";
  let t = String(s);
  const neg = t.startsWith("-");
  if (neg) t = t.slice(1);
  let [int, dec = ""] = t.split(".");
  dec = (dec + "00").slice(0, 2);
  int = int.replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f");
  return (neg ? "−" : "") + int + "," + dec + "\u00a0€";
}

/** "2024-03-15" -> "15/03/2024". */
function frDate(d) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d || "");
  return m ? `${m[3]}/${m[2]}/${m[1]}` : d;
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

const STANDING = { measured: "mesuré", expected: "attendu", attainment: "atteinte attendue", none: "inconnu" };
const GOAL = { reached: "objectif atteint", step: "palier", target: "cible" };

// ---------- state <-> contract ----------

function blankState() {
  return {
    name: "", id: "", population: "", signature_date: "", region: "", department: "",
    population_year: null, yearsExtra: {}, expectedExtra: {}, missions: {},
  };
}

function blankIndicator() {
  return {
    id: "", label: "", max: "", kind: "binary", direction: "higher_is_better", steps: "",
    baseline: "", target: "",
    years: Array.from({ length: YEARS }, () => ({ value: "", measured: false })),
  };
}

function slug(s) {
  return "cpts-" + s.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
    .replace(/^cpts\s*/, "").replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

/** The contract written by the form, as the CLI's file has it. */
function toContract(s) {
  pathMap = {};
  const c = { format_version: 1, id: s.id || (s.name ? slug(s.name) : ""), name: s.name };
  if (s.region) c.region = s.region;
  if (s.department) c.department = s.department;
  c.population = s.population;
  if (s.population_year) c.population_year = s.population_year;
  c.signature_date = s.signature_date;
  c.missions = [];
  // Expected values, and expected attainments (a non-binary value written `75 %`).
  const results = {}, expected = {}, attain = {};
  for (const [mid, m] of Object.entries(s.missions)) {
    if (!m.on) continue;
    const i = c.missions.length;
    pathMap[`missions[${i}]`] = m._el;
    pathMap[`missions[${i}].start`] = m._el && $(".m-start", m._el);
    pathMap[`missions[${i}].full_deployment`] = m._el && $(".m-deployed", m._el);
    const e = { mission: mid, start: m.start };
    if (m.full_deployment) e.full_deployment = m.full_deployment;
    e.indicators = [];
    m.indicators.forEach((ind) => {
      const j = e.indicators.length;
      const p = `missions[${i}].indicators[${j}]`;
      if (ind._el) {
        pathMap[p] = ind._el;
        for (const k of ["id", "label", "max", "kind", "direction", "steps", "baseline", "target"]) {
          pathMap[`${p}.${k}`] = $(".i-" + k, ind._el);
        }
      }
      const x = { id: ind.id, label: ind.label || ind.id, max: ind.max, kind: ind.kind };
      if (ind.kind === "steps") {
        x.direction = ind.direction;
        x.steps = ind.steps.trim().split(/\s+/).filter(Boolean).map((t) => {
          const [threshold, amount] = t.split(":");
          return { threshold: threshold || "", amount: amount || "" };
        });
      }
      if (ind.kind === "linear") {
        x.baseline = ind.baseline;
        x.target = ind.target;
      }
      e.indicators.push(x);
      ind.years.forEach((y, k) => {
        if (y.value === "" || y.value === null || y.value === undefined) return;
        const pct = ind.kind !== "binary" && !y.measured && /^\s*(\d+(?:[.,]\d+)?)\s*%\s*$/.exec(String(y.value));
        if (pct) {
          (attain[k + 1] = attain[k + 1] || {})[ind.id] = pct[1].replace(",", ".");
          if (ind._el) pathMap[`attain@${k + 1}.${ind.id}`] = $$(".y-value", ind._el)[k];
          return;
        }
        const v = ind.kind === "binary" ? y.value === "true" : String(y.value).replace(",", ".");
        const into = y.measured ? results : expected;
        (into[k + 1] = into[k + 1] || {})[ind.id] = v;
        if (ind._el) {
          const where = y.measured ? "results" : "expected";
          pathMap[`${where}@${k + 1}.${ind.id}`] = $$(".y-value", ind._el)[k];
        }
      });
    });
    c.missions.push(e);
  }
  const years = new Set([...Object.keys(results), ...Object.keys(s.yearsExtra)].map(Number));
  c.results = [...years].sort((a, b) => a - b).map((k) => {
    const r = { contract_year: k };
    const extra = s.yearsExtra[k] || {};
    if (extra.population) r.population = extra.population;
    if (extra.crisis_recognised) r.crisis_recognised = true;
    r.observations = results[k] || {};
    return r;
  }).filter((r) => Object.keys(r.observations).length || r.population || r.crisis_recognised);
  c.results.forEach((r, i) => {
    for (const id of Object.keys(r.observations)) {
      pathMap[`results[${i}].observations.${id}`] = pathMap[`results@${r.contract_year}.${id}`];
    }
  });
  const extra = s.expectedExtra || {};
  const exp = [...new Set([...Object.keys(expected), ...Object.keys(attain), ...Object.keys(extra)].map(Number))]
    .sort((a, b) => a - b);
  if (exp.length) {
    c.expected = exp.map((k) => {
      const x = { contract_year: k };
      if ((extra[k] || {}).crisis_recognised) x.crisis_recognised = true;
      x.observations = expected[k] || {};
      if (attain[k]) x.attainment = attain[k];
      return x;
    });
  }
  (c.expected || []).forEach((x, i) => {
    for (const id of Object.keys(x.observations)) {
      pathMap[`expected[${i}].observations.${id}`] = pathMap[`expected@${x.contract_year}.${id}`];
    }
    for (const id of Object.keys(x.attainment || {})) {
      pathMap[`expected[${i}].attainment.${id}`] = pathMap[`attain@${x.contract_year}.${id}`];
    }
  });
  return c;
}

/** The form's state from a contract read by the server (POST /api/v1/contract). */
function fromRaw(raw) {
  const s = blankState();
  for (const k of ["name", "id", "population", "signature_date", "region", "department"]) s[k] = raw[k] || "";
  s.population_year = raw.population_year || null;
  const byId = {};
  for (const e of raw.missions || []) {
    const m = { on: true, start: e.start || "", full_deployment: e.full_deployment || "", indicators: [] };
    for (const x of e.indicators || []) {
      const ind = blankIndicator();
      Object.assign(ind, {
        id: x.id, label: x.label, max: x.max, kind: x.kind,
        direction: x.direction || "higher_is_better",
        steps: (x.steps || []).map((st) => `${st.threshold}:${st.amount}`).join(" "),
        baseline: x.baseline || "", target: x.target || "",
      });
      m.indicators.push(ind);
      byId[x.id] = ind;
    }
    s.missions[e.mission] = m;
  }
  let lost = 0;
  const put = (k, obs, measured) => {
    for (const [id, v] of Object.entries(obs || {})) {
      const ind = byId[id];
      if (!ind || k < 1 || k > YEARS) { lost++; continue; }
      if (ind.years[k - 1].measured && !measured) continue;
      ind.years[k - 1] = { value: String(v), measured };
    }
  };
  for (const r of raw.results || []) {
    put(r.contract_year, r.observations, true);
    if (r.population || r.crisis_recognised) {
      s.yearsExtra[r.contract_year] = { population: r.population, crisis_recognised: r.crisis_recognised };
    }
  }
  // An expected attainment of p % is written `p %` in the year's cell (a binary indicator is
  // reached only at 100 %: then `oui`, else `non`), unless the year has a measured value.
  const putAttainment = (k, attainment) => {
    for (const [id, p] of Object.entries(attainment || {})) {
      const ind = byId[id];
      if (!ind || k < 1 || k > YEARS) { lost++; continue; }
      if (ind.years[k - 1].measured) continue;
      const value = ind.kind === "binary" ? String(Number(p) === 100) : `${p} %`;
      ind.years[k - 1] = { value, measured: false };
    }
  };
  const expectYear = (k, x) => {
    put(k, x.observations, false);
    putAttainment(k, x.attainment);
    if (x.crisis_recognised && k >= 1 && k <= YEARS) s.expectedExtra[k] = { crisis_recognised: true };
  };
  const all = (raw.expected || []).find((x) => !x.contract_year);
  for (const x of raw.expected || []) if (x.contract_year) expectYear(x.contract_year, x);
  if (all) {
    const own = new Set((raw.expected || []).map((x) => x.contract_year).filter(Boolean));
    for (let k = 1; k <= YEARS; k++) if (!own.has(k)) expectYear(k, all);
  }
  return { state: s, lost };
}

// ---------- YAML ----------

function q(v) {
  return JSON.stringify(String(v)); // a JSON string is a YAML double-quoted scalar
}

function toYaml(c) {
  const L = ["# Contrat CPTS écrit par le simulateur cpts-funding (lu tel quel par la CLI)"];
  L.push(`format_version: 1`, `id: ${q(c.id)}`, `name: ${q(c.name)}`);
  if (c.region) L.push(`region: ${q(c.region)}`);
  if (c.department) L.push(`department: ${q(c.department)}`);
  L.push(`population: ${q(c.population)}`);
  if (c.population_year) L.push(`population_year: ${c.population_year}`);
  L.push(`signature_date: ${c.signature_date}`);
  L.push(c.missions.length ? "missions:" : "missions: []");
  for (const m of c.missions) {
    L.push(`  - mission: ${m.mission}`, `    start: ${m.start}`);
    if (m.full_deployment) L.push(`    full_deployment: ${m.full_deployment}`);
    L.push(m.indicators.length ? "    indicators:" : "    indicators: []");
    for (const x of m.indicators) {
      L.push(`      - id: ${q(x.id)}`, `        label: ${q(x.label)}`, `        max: ${q(x.max)}`, `        kind: ${x.kind}`);
      if (x.kind === "steps") {
        L.push(`        direction: ${x.direction}`, "        steps:");
        for (const st of x.steps) L.push(`          - {threshold: ${q(st.threshold)}, amount: ${q(st.amount)}}`);
      }
      if (x.kind === "linear") L.push(`        baseline: ${q(x.baseline)}`, `        target: ${q(x.target)}`);
    }
  }
  const obs = (o) => "{" + Object.entries(o).map(([k, v]) => `${k}: ${typeof v === "boolean" ? v : q(v)}`).join(", ") + "}";
  if (c.results.length) {
    L.push("results:");
    for (const r of c.results) {
      L.push(`  - contract_year: ${r.contract_year}`);
      if (r.population) L.push(`    population: ${q(r.population)}`);
      if (r.crisis_recognised) L.push(`    crisis_recognised: true`);
      L.push(`    observations: ${obs(r.observations)}`);
    }
  } else L.push("results: []");
  if (c.expected) {
    L.push("expected:");
    for (const x of c.expected) {
      L.push(`  - contract_year: ${x.contract_year}`);
      if (x.crisis_recognised) L.push(`    crisis_recognised: true`);
      L.push(`    observations: ${obs(x.observations)}`);
      if (x.attainment) L.push(`    attainment: ${obs(x.attainment)}`);
    }
  }
  return L.join("\n") + "\n";
}

// ---------- the form ----------

function tierOf(pop) {
  if (!rules || !/^\d+$/.test(String(pop).trim())) return null;
  const n = Number(pop);
  return rules.tiers.find((t) => n >= t.min_population && (t.max_population === null || n <= t.max_population)) || null;
}

function renderForm() {
  $("#f-name").value = state.name;
  $("#f-id").value = state.id;
  $("#f-population").value = state.population;
  $("#f-signature").value = state.signature_date;
  $("#f-region").value = state.region;
  $("#f-department").value = state.department;
  const box = $("#missions");
  box.textContent = "";
  const ids = new Set([...(rules ? rules.missions.filter((m) => m.in_force).map((m) => m.id) : []), ...Object.keys(state.missions)]);
  for (const mid of ids) {
    const def = rules && rules.missions.find((m) => m.id === mid);
    const m = state.missions[mid] || (state.missions[mid] = { on: false, start: "", full_deployment: "", indicators: [] });
    const node = $("#tpl-mission").content.firstElementChild.cloneNode(true);
    node.dataset.mission = mid;
    $(".m-label", node).textContent = def ? def.label : mid;
    $(".m-kind", node).textContent = def ? (def.kind === "socle" ? "(socle)" : "(optionnelle)") : "";
    $(".m-on", node).checked = m.on;
    $(".m-start", node).value = m.start;
    $(".m-deployed", node).value = m.full_deployment;
    node.classList.toggle("off", !m.on);
    m._el = node;
    for (const ind of m.indicators) $(".indicators", node).append(renderIndicator(ind));
    box.append(node);
  }
  envelopes();
}

function renderIndicator(ind) {
  const node = $("#tpl-indicator").content.firstElementChild.cloneNode(true);
  for (const k of ["id", "label", "max", "kind", "direction", "steps", "baseline", "target"]) $(".i-" + k, node).value = ind[k];
  const years = $(".years", node);
  ind.years.forEach((y, k) => {
    const value = ind.kind === "binary"
      ? el("select", { class: "y-value", "aria-label": `année ${k + 1}` },
        el("option", { value: "", text: "—" }), el("option", { value: "true", text: "oui" }), el("option", { value: "false", text: "non" }))
      : el("input", {
        class: "y-value", inputmode: "decimal", "aria-label": `année ${k + 1}`,
        title: "valeur attendue (ou mesurée), ou atteinte attendue en % du maximum : 75 %",
      });
    value.value = y.value;
    const measured = el("input", { type: "checkbox", class: "y-measured", title: "valeur mesurée (sinon attendue)" });
    measured.checked = y.measured;
    years.append(el("label", { class: "year" }, `A${k + 1} `, value, el("span", { class: "measured" }, measured, " mesuré")));
  });
  node.dataset.kind = ind.kind;
  ind._el = node;
  return node;
}

/** The form's content, read back from the page. */
function readForm() {
  const s = blankState();
  s.population_year = state.population_year;
  s.yearsExtra = state.yearsExtra;
  s.expectedExtra = state.expectedExtra || {};
  s.name = $("#f-name").value.trim();
  s.id = $("#f-id").value.trim();
  s.population = $("#f-population").value.replace(/[\s\u202f\u00a0]/g, "");
  s.signature_date = $("#f-signature").value;
  s.region = $("#f-region").value.trim();
  s.department = $("#f-department").value.trim();
  for (const node of $$(".mission")) {
    const m = {
      on: $(".m-on", node).checked, start: $(".m-start", node).value,
      full_deployment: $(".m-deployed", node).value, indicators: [], _el: node,
    };
    node.classList.toggle("off", !m.on);
    for (const inode of $$(".indicator", node)) {
      const ind = blankIndicator();
      for (const k of ["id", "label", "max", "kind", "direction", "steps", "baseline", "target"]) ind[k] = $(".i-" + k, inode).value.trim();
      ind.max = ind.max.replace(/[\s\u202f\u00a0]/g, "").replace(",", ".");
      ind.years = $$(".year", inode).map((y) => ({ value: $(".y-value", y).value.trim(), measured: $(".y-measured", y).checked }));
      ind._el = inode;
      m.indicators.push(ind);
    }
    s.missions[node.dataset.mission] = m;
  }
  return s;
}

/** Under each mission: its fixed part and variable envelope for the tier, from the rules. */
function envelopes() {
  const tier = tierOf(state.population);
  for (const node of $$(".mission")) {
    const def = rules && rules.missions.find((m) => m.id === node.dataset.mission);
    const p = $(".m-envelope", node);
    if (!def || !tier) { p.textContent = ""; continue; }
    const cell = (t) => t && t.cells.find((c) => c.tier === tier.id);
    const f = cell(def.fixed), v = cell(def.variable);
    p.textContent = `${tier.label} : part fixe ${f ? eur(f.amount) : "—"}${f && f.status === "provisional" ? " (provisoire)" : ""}` +
      (v ? ` ; enveloppe variable ${eur(v.amount)}${v.status === "provisional" ? " (provisoire)" : ""}` : "");
  }
}

function changed() {
  state = readForm();
  save();
  envelopes();
  schedule();
}

function save() {
  try {
    const plain = JSON.parse(JSON.stringify(state, (k, v) => (k === "_el" ? undefined : v)));
    localStorage.setItem(DRAFT_KEY, JSON.stringify(plain));
  } catch (e) { /* storage full or disabled: the draft is not kept */ }
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(update, 350);
}

// ---------- the engine ----------

async function post(path, body) {
  const r = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body });
  const text = await r.text();
  let doc = null;
  try { doc = JSON.parse(text); } catch (e) { doc = null; }
  return { status: r.status, doc, text };
}

async function update() {
  const mine = ++seq;
  const contract = toContract(state);
  $("#yaml-text").textContent = toYaml(contract);
  const body = JSON.stringify(contract);
  document.body.dataset.busy = "1";
  try {
    const [b, e] = await Promise.all([post("/api/v1/budget", body), post("/api/v1/explain?lang=fr&scenario=expected", body)]);
    if (mine !== seq) return; // a newer request is on its way
    clearErrors();
    if (b.status !== 200) {
      showDiagnostics((b.doc && b.doc.diagnostics) || [{ code: "", message: `réponse ${b.status}` }]);
      return;
    }
    showBudget(b.doc);
    if (e.status === 200) showExplanations(e.doc);
  } catch (err) {
    if (mine === seq) showDiagnostics([{ code: "", message: "le serveur ne répond pas : " + err }]);
  } finally {
    if (mine === seq) {
      delete document.body.dataset.busy;
      document.body.dataset.updated = String(mine);
    }
  }
}

function clearErrors() {
  $("#diagnostics").textContent = "";
  for (const e of $$(".field-error")) e.textContent = "";
  for (const e of $$(".invalid")) e.classList.remove("invalid");
}

/** Each diagnostic at its field (by the path inside the contract), and all of them on top. */
function showDiagnostics(diags) {
  const list = el("ul");
  for (const d of diags) {
    const path = (d.location && d.location.path) || "";
    list.append(el("li", {}, el("code", { text: d.code || "" }), " ", d.message + (path ? ` (${path})` : "")));
    let p = path, target = null;
    while (p) {
      if (pathMap[p]) { target = pathMap[p]; break; }
      const up = p.replace(/(\.[^.[\]]+|\[\d+\])$/, "");
      if (up === p) break;
      p = up;
    }
    if (!target && !path.startsWith("missions")) target = $(`[data-path="${path.split(/[.[]/)[0]}"]`);
    if (target) {
      target.classList.add("invalid");
      const holder = target.closest(".indicator") || target.closest(".mission") || target.closest("fieldset");
      const slot = holder && (holder.classList.contains("mission") ? $(".m-error", holder) : $(".field-error", holder));
      if (slot) slot.textContent += `${d.code} : ${d.message}${d.help ? " — " + d.help : ""}\n`;
    }
  }
  const box = $("#diagnostics");
  box.append(el("h2", { text: "Le contrat n'est pas encore complet ou correct" }), list);
  for (const id of ["summary", "years", "payments", "levers", "explanations"]) $("#" + id).classList.add("stale");
}

function table(head, rows, cls = "") {
  const t = el("table", { class: cls });
  t.append(el("thead", {}, el("tr", {}, ...head.map((h) => el("th", { text: h })))));
  const tb = el("tbody");
  for (const r of rows) tb.append(r);
  t.append(tb);
  return t;
}

function showBudget(doc) {
  for (const id of ["summary", "years", "payments", "levers", "explanations"]) $("#" + id).classList.remove("stale");
  const provisional = doc.years.some((y) => y.warnings.some((w) => w.code === "W0501"));
  const s = $("#summary");
  s.textContent = "";
  s.append(el("h2", { text: `Budget sur ${doc.years.length} ans — ${doc.cpts.name}` }),
    el("div", { class: "totals" },
      el("div", { class: "total" }, el("span", { text: "Minimum" }), el("strong", { id: "total-minimum", text: eur(doc.totals.minimum) })),
      el("div", { class: "total main" }, el("span", { text: "Attendu" }), el("strong", { id: "total-expected", text: eur(doc.totals.expected) })),
      el("div", { class: "total" }, el("span", { text: "Maximum" }), el("strong", { id: "total-maximum", text: eur(doc.totals.maximum) }))),
    provisional ? el("p", { class: "provisional-note", text: "Certains montants sont provisoires (barèmes non confirmés cellule par cellule) : ils sont marqués « provisoire »." }) : null);

  const rows = doc.years.map((y) => {
    const prov = y.warnings.some((w) => w.code === "W0501");
    const e = y.expected;
    return el("tr", { class: prov ? "provisional" : "" },
      el("td", { class: "nowrap", text: `A${y.contract_year}` }), el("td", { class: "nowrap", text: `${frDate(y.period.from)} – ${frDate(y.period.to)}` }),
      el("td", { text: y.tier }), el("td", { class: "n", text: eur(e.fonctionnement) }), el("td", { class: "n", text: eur(e.fixed) }),
      el("td", { class: "n", text: eur(e.variable) }), el("td", { class: "n", text: eur(e.crisis) }),
      el("td", { class: "n strong", text: eur(e.total) }, prov ? el("span", { class: "badge", text: "provisoire" }) : null),
      el("td", { class: "n dim" }, eur(y.minimum.total), el("br"), eur(y.maximum.total)));
  });
  const years = $("#years");
  years.textContent = "";
  years.append(el("h2", { text: "Les cinq années de contrat (scénario attendu)" }),
    el("div", { class: "scroll" }, table(["Année", "Période", "Taille", "Fonctionnement", "Part fixe", "Part variable", "Crise", "Total attendu", "Min. / max."], rows, "years-table")));
  const warns = doc.years.flatMap((y) => y.warnings.filter((w) => w.code !== "W0501").map((w) => el("li", {}, `Année ${y.contract_year} — `, el("code", { text: w.code }), " " + w.message)));
  if (warns.length) years.append(el("details", {}, el("summary", { text: `Avertissements (${warns.length})` }), el("ul", {}, ...warns)));

  const pay = doc.years.flatMap((y) => y.payments.map((p) => el("tr", {},
    el("td", { class: "nowrap", text: frDate(p.date) }), el("td", { text: `A${y.contract_year}` }), el("td", { text: p.label }), el("td", { class: "n", text: eur(p.amount) }))));
  const cal = doc.calendar.years.map((c) => el("tr", {}, el("td", { text: String(c.year) }), el("td", { class: "n", text: eur(c.amount) }), el("td", { class: "n", text: eur(c.running_total) })));
  const p = $("#payments");
  p.textContent = "";
  p.append(el("h2", { text: "Versements datés" }), cashChart(doc.calendar.months),
    el("div", { class: "two" }, table(["Date", "Année", "Versement", "Montant"], pay), table(["Année civile", "Versé", "Cumul"], cal)));

  const lv = $("#levers");
  lv.textContent = "";
  lv.append(el("h2", { text: "Ce que rapporterait le palier suivant" }));
  for (const y of doc.years) {
    const items = y.what_it_takes.map((w) => {
      const next = w.next.map((n) => `${GOAL[n.goal] || n.goal}${n.operator ? " " + n.operator + " " + n.value : ""} → +${eur(n.gain)}`).join(" ; ");
      return el("li", {}, el("strong", { text: w.label }), ` : ${w.observed === null ? "—" : ({ true: "oui", false: "non" })[w.observed] || w.observed} (${STANDING[w.standing] || w.standing}), ${eur(w.amount)}`,
        next ? el("span", { class: "next", text: " — " + next }) : el("span", { class: "dim", text: " — au maximum" }));
    });
    if (items.length) lv.append(el("h3", { text: `Année ${y.contract_year}` }), el("ul", {}, ...items));
  }
}

/** The cash chart: one bar per month paid, and the running total as a line (scale for drawing
 * only: the amounts shown are the engine's). */
function cashChart(months) {
  const NS = "http://www.w3.org/2000/svg";
  const svg = (tag, attrs) => {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    return e;
  };
  const W = 760, H = 220, L = 70, B = 24, T = 10;
  const chart = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "cash-chart", role: "img", "aria-label": "Versements par mois et cumul" });
  if (!months.length) return chart;
  const key = (m) => m.year * 12 + m.month - 1;
  const first = key(months[0]), last = key(months[months.length - 1]);
  const span = Math.max(1, last - first + 1);
  const top = Math.max(...months.map((m) => Number(m.running_total)), 1);
  const x = (k) => L + ((k - first) * (W - L - 10)) / span;
  const y = (v) => H - B - (v * (H - B - T)) / top;
  const bw = Math.max(2, (W - L - 10) / span - 2);
  for (let i = 0; i <= 4; i++) {
    const v = (top * i) / 4;
    chart.append(svg("line", { x1: L, x2: W - 10, y1: y(v), y2: y(v), stroke: "#e3e8ee" }));
    const t = svg("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end", "font-size": 11, fill: "#5b6675" });
    t.textContent = eur(String(Math.round(v))).replace(",00", "");
    chart.append(t);
  }
  for (let k = first; k <= last; k++) {
    if (k % 12 === 0) {
      const t = svg("text", { x: x(k) + 2, y: H - 6, "font-size": 11, fill: "#5b6675" });
      t.textContent = String(k / 12);
      chart.append(t, svg("line", { x1: x(k), x2: x(k), y1: T, y2: H - B, stroke: "#e3e8ee" }));
    }
  }
  let path = "";
  for (const m of months) {
    const k = key(m), v = Number(m.amount);
    const bar = svg("rect", { x: x(k), y: y(v), width: bw, height: Math.max(0, H - B - y(v)), fill: "#0b5cad" });
    const tip = svg("title", {});
    tip.textContent = `${String(m.month).padStart(2, "0")}/${m.year} : ${eur(m.amount)} (cumul ${eur(m.running_total)})`;
    bar.append(tip);
    chart.append(bar);
    path += `${path ? "L" : "M"}${(x(k) + bw / 2).toFixed(1)},${y(Number(m.running_total)).toFixed(1)}`;
  }
  chart.append(svg("path", { d: path, fill: "none", stroke: "#9a5b00", "stroke-width": 2 }));
  return chart;
}

function showExplanations(doc) {
  const box = $("#explanations");
  box.textContent = "";
  box.append(el("h2", { text: "Explications (scénario attendu)" }));
  for (const y of doc.explanations) {
    const d = el("details", { class: "year-explain" }, el("summary", { text: y.title }));
    for (const c of y.context) d.append(el("p", { text: c }));
    const dl = el("dl");
    for (const l of y.lines) {
      const prov = l.sentences.some((s) => /provisoire/i.test(s));
      dl.append(el("dt", { class: prov ? "provisional" : "" }, l.label + " ", el("span", { class: "amount", text: eur(l.amount) }), prov ? el("span", { class: "badge", text: "provisoire" }) : null));
      for (const s of l.sentences) dl.append(el("dd", { text: s }));
    }
    d.append(dl);
    box.append(d);
  }
}

// ---------- files ----------

function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function upload(file) {
  const text = await file.text();
  const json = /\.json$/i.test(file.name);
  const r = await fetch("/api/v1/contract", { method: "POST", headers: { "Content-Type": json ? "application/json" : "application/yaml" }, body: text });
  const doc = await r.json().catch(() => null);
  const status = $("#upload-status");
  if (r.status !== 200) {
    const d = (doc && doc.diagnostics) || [];
    status.textContent = `${file.name} ne peut pas être lu : ` + d.map((x) => `${x.code} ligne ${x.location.line || "?"} colonne ${x.location.column || "?"} : ${x.message}`).join(" ; ");
    status.className = "status error";
    return;
  }
  const { state: s, lost } = fromRaw(doc);
  state = s;
  await loadRules();
  renderForm();
  status.textContent = `${file.name} chargé.` + (lost ? ` ${lost} valeur(s) non reprise(s) par le formulaire (indicateurs inconnus, années hors contrat).` : "");
  status.className = "status";
  changed();
}

async function loadRules() {
  const date = state && /^\d{4}-\d{2}-\d{2}$/.test(state.signature_date) ? `?date=${state.signature_date}` : "";
  const r = await fetch("/api/v1/rules" + date);
  if (r.status === 200) rules = await r.json();
  else if (!rules) rules = await (await fetch("/api/v1/rules")).json();
}

// ---------- start ----------

async function start() {
  let draft = null;
  try { draft = JSON.parse(localStorage.getItem(DRAFT_KEY) || "null"); } catch (e) { draft = null; }
  state = draft || blankState();
  await loadRules();
  renderForm();
  const form = $(".form");
  form.addEventListener("input", (ev) => {
    if (ev.target.id === "upload") return;
    if (ev.target.classList.contains("i-kind")) {
      // The yearly inputs differ for a binary indicator: redraw that indicator.
      const s = readForm();
      state = s;
      renderForm();
    }
    changed();
  });
  form.addEventListener("change", async (ev) => {
    if (ev.target.id === "f-signature") {
      await loadRules();
      state = readForm();
      renderForm();
      changed();
    }
  });
  form.addEventListener("click", (ev) => {
    const t = ev.target;
    if (t.classList.contains("add-indicator")) {
      state = readForm();
      const mid = t.closest(".mission").dataset.mission;
      const ind = blankIndicator();
      const n = state.missions[mid].indicators.length + 1;
      ind.id = `${mid}_${n}`;
      state.missions[mid].indicators.push(ind);
      renderForm();
      changed();
    } else if (t.classList.contains("remove")) {
      t.closest(".indicator").remove();
      changed();
    }
  });
  $("#upload").addEventListener("change", (ev) => ev.target.files[0] && upload(ev.target.files[0]));
  $("#blank").addEventListener("click", () => {
    state = blankState();
    renderForm();
    clearErrors();
    changed();
  });
  $("#download-yaml").addEventListener("click", () => {
    const c = toContract(state);
    download(`${c.id || "contrat"}.yaml`, "application/yaml", toYaml(c));
  });
  $("#download-report").addEventListener("click", async () => {
    const c = toContract(state);
    const r = await fetch("/api/v1/budget?format=html", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(c) });
    if (r.status === 200) download(`budget-${c.id || "cpts"}.html`, "text/html", await r.text());
    else showDiagnostics(((await r.json().catch(() => null)) || {}).diagnostics || []);
  });
  changed();
}

document.addEventListener("DOMContentLoaded", start);
