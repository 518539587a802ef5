//! The languages of the audit words, and the table of fixed sentence parts each one writes
//! between the numbers of a formula.

/// A language of the explanations and audit words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    /// The language's code (`fr`, `en`), as in HTML `lang`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    pub fn words(self) -> &'static Words {
        match self {
            Lang::Fr => &FR,
            Lang::En => &EN,
        }
    }
}

/// The fixed parts of each formula sentence, in the order the walk writes them between the
/// numbers (see [`write_formula`]).
pub struct Words {
    /// Uplifted fonctionnement: `…tier…in force on…, signed on…(on or before…): amount`.
    pub uplift: [&'static str; 5],
    /// When an uplift pays, opening its formula: once or yearly from a date, `…and before…`, `: `.
    pub uplift_when: [&'static str; 4],
    /// An uplift's share of the fonctionnement: `…tier…in force on… (base) × rate = amount`.
    pub share: [&'static str; 4],
    /// A crisis envelope: `…tier…in force on… = amount`.
    pub crisis: [&'static str; 3],
    /// A tier amount: `…tier…in force on… = amount`.
    pub tier_amount: [&'static str; 3],
    /// A prorata: `…full × days…start…anniversary…) / year days… = amount`.
    pub prorata: [&'static str; 6],
    /// Binary: `target reached: maximum amount` or `target not reached: 0`; when a budget
    /// assumes the result, the `expected` forms say it is not measured.
    pub binary_reached: &'static str,
    pub binary_not_reached: &'static str,
    pub binary_expected_reached: &'static str,
    pub binary_expected_not_reached: &'static str,
    /// Steps: `observed value N` (`expected value N` when a budget assumes it), then
    /// `: step ≥ T reached → amount`.
    pub steps_observed: &'static str,
    pub steps_expected: &'static str,
    pub step_reached: [&'static str; 2],
    pub no_step_reached: &'static str,
    /// Linear: `max × (obs − base) / (target − base), clamped (= ratio) → amount`.
    pub linear_clamped: &'static str,
    pub missing: &'static str,
    /// A variant's assumed attainment: `…tier…in force on… (envelope) × attainment… = amount`.
    pub assumed: [&'static str; 5],
    /// A variable part capped: `…tier…in force on… (envelope) − indicators… = amount`.
    pub cap: [&'static str; 5],
    /// `inhabitants` in the tier reason.
    pub inhabitants: &'static str,
    /// The sources of the population in the tier reason: the contract year's, the contract's
    /// with its year, the contract's.
    pub population_of_year: &'static str,
    pub population_of_contract_year: [&'static str; 2],
    pub population_of_contract: &'static str,
    /// Whether the tier reason names the tier id after its bounds (`… < 80000 (t2)`).
    pub tier_id_after_bounds: bool,
}

pub const FR: Words = Words {
    uplift: [
        "montant majoré de la taille ",
        " en vigueur au ",
        ", contrat signé le ",
        " (au plus tard le ",
        "): ",
    ],
    uplift_when: [
        "versement unique, la première année de contrat commençant à partir du ",
        "chaque année de contrat commençant à partir du ",
        " et avant le ",
        ": ",
    ],
    share: ["fonctionnement de la taille ", " en vigueur au ", " (", ") × "],
    crisis: [
        "crise sanitaire grave reconnue par l'ARS: enveloppe de la taille ",
        " en vigueur au ",
        " = ",
    ],
    tier_amount: ["montant de la taille ", " en vigueur au ", " = "],
    prorata: [
        "prorata au jour près: ",
        " × ",
        " j (du démarrage le ",
        " à l'anniversaire du ",
        ") / ",
        " j = ",
    ],
    binary_reached: "objectif atteint: maximum ",
    binary_not_reached: "objectif non atteint: 0,00 €",
    binary_expected_reached: "objectif attendu comme atteint: maximum ",
    binary_expected_not_reached: "objectif attendu comme non atteint: 0,00 €",
    steps_observed: "valeur observée ",
    steps_expected: "valeur attendue ",
    step_reached: [": palier ", " atteint → "],
    no_step_reached: ": aucun palier atteint → 0,00 €",
    linear_clamped: "), borné entre 0 et 1 (= ",
    missing: "pas de valeur observée pour l'année: 0,00 € (choix `missing_observation`)",
    assumed: [
        "enveloppe variable de la taille ",
        " en vigueur au ",
        " (",
        ") × atteinte supposée par la variante ",
        " (hypothèse, pas un résultat de contrat ; part variable non proratisée) = ",
    ],
    cap: [
        "part variable plafonnée à l'enveloppe de la taille ",
        " en vigueur au ",
        ": ",
        " − ce que paient les indicateurs (maxima prévus pour une autre taille) ",
        " = ",
    ],
    inhabitants: " habitants, ",
    population_of_year: "population de l'année de contrat ",
    population_of_contract_year: ["population du contrat (chiffre ", ")"],
    population_of_contract: "population du contrat",
    tier_id_after_bounds: true,
};

pub const EN: Words = Words {
    uplift: [
        "uplifted amount of tier ",
        " in force on ",
        ", contract signed on ",
        " (on or before ",
        "): ",
    ],
    uplift_when: [
        "paid once, in the first contract year starting on or after ",
        "every contract year starting on or after ",
        " and before ",
        ": ",
    ],
    share: ["fonctionnement of tier ", " in force on ", " (", ") × "],
    crisis: [
        "serious sanitary crisis recognised by the ARS: envelope of tier ",
        " in force on ",
        " = ",
    ],
    tier_amount: ["amount of tier ", " in force on ", " = "],
    prorata: [
        "pro rata by days: ",
        " × ",
        " d (from the mission start on ",
        " to the anniversary on ",
        ") / ",
        " d = ",
    ],
    binary_reached: "target reached: maximum ",
    binary_not_reached: "target not reached: 0,00 €",
    binary_expected_reached: "target expected to be reached: maximum ",
    binary_expected_not_reached: "target expected not to be reached: 0,00 €",
    steps_observed: "observed value ",
    steps_expected: "expected value ",
    step_reached: [": step ", " reached → "],
    no_step_reached: ": no step reached → 0,00 €",
    linear_clamped: "), clamped between 0 and 1 (= ",
    missing: "no observed value for the year: 0,00 € (choice `missing_observation`)",
    assumed: [
        "variable envelope of tier ",
        " in force on ",
        " (",
        ") × attainment assumed by the variant ",
        " (a hypothesis, not a contract result; the variable part is not prorated) = ",
    ],
    cap: [
        "variable part capped at the envelope of tier ",
        " in force on ",
        ": ",
        " − what the indicators pay (maxima sized for another tier) ",
        " = ",
    ],
    inhabitants: " inhabitants, ",
    population_of_year: "population of contract year ",
    population_of_contract_year: ["population of the contract (", " figure)"],
    population_of_contract: "population of the contract",
    tier_id_after_bounds: false,
};
