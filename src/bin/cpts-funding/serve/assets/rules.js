// The rules page: GET /api/v1/rules?date=D drawn as tables, each cell with its status and source.
"use strict";

const $ = (sel) => document.querySelector(sel);

function eur(s) {
  if (s === null || s === undefined) return "—";
  let [int, dec = ""] = String(s).split(".");
  dec = (dec + "00").slice(0, 2);
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f") + "," + dec + "\u00a0€";
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

const STATUS = { confirmed: "confirmé", provisional: "provisoire" };
const KIND = { socle: "socle", optional: "optionnelle" };
const DUE = { year_end: "à la fin de l'année de contrat", with_variable: "avec la part variable" };
const FIRST = { at_signature: "versé en totalité à la signature", like_other_years: "comme les autres années (avance puis solde)" };

function cellTd(c) {
  if (!c) return el("td", { class: "n dim", text: "—" });
  return el("td", { class: "n" }, eur(c.amount), c.status === "provisional" ? el("span", { class: "badge", text: "provisoire" }) : null,
    el("span", { class: "cell-source", title: c.citation || "", text: `${STATUS[c.status] || c.status} · ${c.source}` }));
}

function row(label, t, tiers) {
  const tr = el("tr", {}, el("th", { text: label }));
  for (const tier of tiers) tr.append(cellTd(t && t.cells.find((c) => c.tier === tier.id)));
  return tr;
}

function render(doc) {
  const main = $("#rules");
  main.textContent = "";
  const tiers = doc.tiers;
  const head = el("tr", {}, el("th", { text: "" }), ...tiers.map((t) => el("th", { text: `${t.id} — ${t.label}` })));
  main.append(el("section", {}, el("h2", { text: `Texte en vigueur au ${doc.date} : ${doc.text.label}` }),
    el("p", { text: `${doc.text.reference} (en vigueur depuis le ${doc.text.in_force_from}).` }),
    el("p", { class: "dim", text: `Tailles : ${tiers.map((t) => `${t.id} : ${t.bounds}`).join(" ; ")}` })));

  const t = el("table", {}, el("thead", {}, head.cloneNode(true)));
  const tb = el("tbody");
  tb.append(row(doc.fonctionnement.label, doc.fonctionnement, tiers));
  if (doc.fonctionnement_uplift && doc.fonctionnement_uplift.table.cells.length) tb.append(row(doc.fonctionnement_uplift.table.label, doc.fonctionnement_uplift.table, tiers));
  for (const m of doc.missions.filter((m) => m.in_force)) {
    tb.append(el("tr", {}, el("th", { colspan: String(tiers.length + 1), class: "mission-head", text: `${m.label} (${KIND[m.kind] || m.kind})` })));
    tb.append(row("part fixe", m.fixed, tiers));
    if (m.fixed_first_year) tb.append(row(m.fixed_first_year.label, m.fixed_first_year, tiers));
    if (m.variable) tb.append(row(m.variable.label, m.variable, tiers));
    if (m.crisis_envelope) tb.append(row(m.crisis_envelope.label, m.crisis_envelope, tiers));
  }
  t.append(tb);
  main.append(el("section", {}, el("h2", { text: "Montants annuels par taille" }), t));

  const dl = el("ul");
  for (const m of doc.missions.filter((m) => m.in_force)) {
    const parts = [];
    if (m.start_within_months !== null) parts.push(`démarrage dans les ${m.start_within_months} mois`);
    if (m.deployed_within_months !== null) parts.push(`déploiement complet dans les ${m.deployed_within_months} mois`);
    dl.append(el("li", {}, el("strong", { text: m.label }), ` — ${parts.join(", ") || "pas de délai"} ; ${m.reference}`));
  }
  main.append(el("section", {}, el("h2", { text: "Délais des missions" }), dl));

  const p = doc.payment;
  main.append(el("section", {}, el("h2", { text: "Modalités de versement" }), el("ul", {},
    el("li", { text: `Avance : ${p.advance_rate ? Number.parseFloat(p.advance_rate.amount) * 100 : "—"} % (${p.advance_rate ? STATUS[p.advance_rate.status] : ""})` }),
    el("li", { text: `Fonctionnement de la première année : ${FIRST[p.first_year_fonctionnement] || p.first_year_fonctionnement}` }),
    el("li", { text: `Solde : ${DUE[p.balance_due] || p.balance_due} ; ${variableDue(p.variable_due)} ; crise : ${DUE[p.crisis_due] || p.crisis_due}` }),
    el("li", { text: p.reference }))));

  const mx = el("table", {}, el("thead", {}, el("tr", {}, ...["Taille", "Fonctionnement", "Parts fixes", "Parts variables", "Crise", "Total", "Total avec crise"].map((h) => el("th", { text: h })))));
  const mb = el("tbody");
  for (const r of doc.maxima) mb.append(el("tr", {}, el("td", { text: r.tier }), ...["fonctionnement", "fixed", "variable", "crisis", "total", "total_with_crisis"].map((k) => el("td", { class: "n", text: eur(r[k]) }))));
  mx.append(mb);
  main.append(el("section", {}, el("h2", { text: "Maxima annuels par taille" }), mx));

  main.append(el("section", {}, el("h2", { text: "Lectures retenues (choix déclarés)" }),
    el("ul", {}, ...doc.choices.map((c) => el("li", {}, el("strong", { text: c.topic }), " — " + c.choice)))));
}

let seq = 0;

async function load() {
  const mine = ++seq;
  const d = $("#date").value;
  const r = await fetch("/api/v1/rules" + (d ? `?date=${d}` : ""));
  const doc = await r.json();
  if (mine !== seq) return; // the date changed meanwhile: a newer answer is coming
  if (r.status !== 200) {
    $("#rules").textContent = (doc.diagnostics || []).map((x) => x.message).join(" ; ");
    return;
  }
  if (!d) $("#date").value = doc.date;
  render(doc);
  document.body.dataset.date = doc.date;
}

document.addEventListener("DOMContentLoaded", () => {
  $("#date").addEventListener("change", load);
  load();
});

/** When the variable part is paid, in French: with the balance at the anniversary that closes
 * the year (plus a declared delay), or on a fixed date after the year (older rules files). */
function variableDue(v) {
  if (v && v.months_after_year_end !== undefined) {
    const m = v.months_after_year_end;
    return m === 0
      ? "part variable avec le solde, à l'anniversaire qui clôt l'année"
      : `part variable ${m} mois après l'anniversaire qui clôt l'année`;
  }
  if (v && v.first_date_after) {
    return `part variable le ${v.first_date_after.split("-").reverse().join("/")} suivant l'année`;
  }
  return "part variable : date non déclarée";
}
