//! The one integration test binary: golden fixtures (fixtures/ok, fixtures/err), CLI runs of the
//! real binary, and properties. `UPDATE_EXPECT=1 cargo test` re-blesses the golden files.

mod budget;
mod choices;
mod cli;
mod docs;
mod fixtures;
mod hostile;
mod portfolio;
mod properties;
