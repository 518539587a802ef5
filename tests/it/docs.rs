//! The documentation says what the code does: the README's table of diagnostic codes is the
//! registry (`Code::ALL` with each code's meaning), row for row.

use cpts_funding::diagnostic::Code;

#[test]
fn readme_code_table_is_the_registry() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md is readable");
    let table: Vec<&str> = readme
        .lines()
        .skip_while(|l| *l != "| code | meaning |")
        .skip(2)
        .take_while(|l| l.starts_with("| "))
        .collect();
    let registry: Vec<String> =
        Code::ALL.iter().map(|c| format!("| {} | {} |", c.as_str(), c.meaning())).collect();
    assert_eq!(table, registry, "README.md's code table and src/diagnostic/code.rs differ");
}

#[test]
fn codes_are_unique_and_ordered() {
    let names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(names, sorted);
    assert!(Code::ALL.iter().all(|c| c.is_warning() == c.as_str().starts_with('W')));
}
