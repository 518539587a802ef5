//! The reports of a portfolio run: CSV (`csv_out`, French Excel options), JSON (`json_out`) and
//! text (`text_out`).

pub mod csv_out;
pub mod json_out;
mod json_row;
pub mod text_out;
