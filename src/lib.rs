//! # cpts_funding
//!
//! Computes what the Assurance Maladie pays a CPTS under the ACI CPTS (arrêté du 21 août 2019
//! and its avenant 2), with an audit trail: every euro traced to a rule, a tier table cell with
//! its source, and a reference to the agreement.
//!
//! The pipeline is four phases, each a free function or constructor:
//! `load` (YAML text -> raw types) -> `validate` (raw -> [`rules::RuleSet`] / [`input::Contract`],
//! every problem reported as a located [`diagnostic::Diagnostic`]) -> [`eval::evaluate`]
//! (rules x contract x contract year -> [`eval::Breakdown`]) -> `report` (text or JSON).
//!
//! ```
//! use cpts_funding::{eval, input::Contract, report, rules::RuleSet};
//!
//! let (rules, _warnings) = RuleSet::embedded().expect("the embedded rules are valid");
//! let contract_text = r#"
//! format_version: 1
//! id: cpts-demo
//! name: "CPTS de démonstration"
//! population: 45000
//! signature_date: 2023-01-10
//! missions:
//!   - mission: acces_soins
//!     start: 2023-01-10
//!     indicators:
//!       - {id: mt, label: "Patients sans médecin traitant", max: 20000, kind: binary}
//! results:
//!   - contract_year: 2
//!     observations: {mt: true}
//! "#;
//! let (contract, _) = Contract::from_text("demo.yaml", contract_text, &rules).expect("valid contract");
//! let year = eval::evaluate(&rules, &contract, 2).expect("evaluates");
//!
//! assert_eq!(year.tier.id, "t2");
//! // Fonctionnement 60 000 + access fixed part 75 000 (provisional) + indicator 20 000.
//! assert_eq!(year.totals.total.to_string(), "155000");
//! let total_of_lines: rust_decimal::Decimal = year.lines.iter().map(|l| l.amount).sum();
//! assert_eq!(total_of_lines, year.totals.total);
//! // The totals alone (no lines, payments or warnings built), as a sweep or a sum needs them.
//! assert_eq!(eval::totals(&rules, &contract, 2).expect("evaluates"), year.totals);
//! let json = report::json::compute(&[year]);
//! assert!(json.contains("\"format_version\": 1"));
//! ```
//!
//! Invariants: no `f64` near money (amounts are `rust_decimal::Decimal` read from text);
//! arithmetic is checked; rounding happens only through the rules' declared rounding; the
//! library never prints, exits or reads the environment.

// `float_arithmetic = "deny"` and `result_large_err = "allow"` are in Cargo.toml's [lints] table.

pub mod audit;
pub mod budget;
pub mod calendar;
pub mod cases;
pub mod cashflow;
pub mod diagnostic;
pub mod eval;
pub mod explain;
pub mod input;
pub mod limits;
pub mod money;
pub mod portfolio;
pub mod project;
pub mod report;
pub mod rules;
#[cfg(feature = "schema")]
pub mod schema;
pub mod source;
pub mod variant;
mod yaml;
