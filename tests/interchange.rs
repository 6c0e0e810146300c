//! Exports and annotation imports: every format on text with `ü`, emoji, ZWJ, ZWNJ, Chinese
//! and a CRLF source; round trips; the command line.

#[path = "interchange/cli.rs"]
mod cli;
#[path = "interchange/exports.rs"]
mod exports;
#[path = "interchange/fixture.rs"]
mod fixture;
#[path = "interchange/imports.rs"]
mod imports;
#[path = "interchange/robustness.rs"]
mod robustness;
#[path = "interchange/roundtrip.rs"]
mod roundtrip;

#[test]
fn committed_fixture_is_the_generated_project() {
    let generated = spanwise::store::to_string(&fixture::project());
    if std::env::var_os("SPANWISE_WRITE_FIXTURE").is_some() {
        std::fs::write(fixture::path(), &generated).unwrap();
    }
    let committed = std::fs::read_to_string(fixture::path())
        .expect("tests/fixtures/interchange.spanwise.ron (regenerate with SPANWISE_WRITE_FIXTURE=1)");
    assert_eq!(committed, generated, "regenerate with SPANWISE_WRITE_FIXTURE=1 cargo test --test interchange");
}
