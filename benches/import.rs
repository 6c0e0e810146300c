//! Importing 1,000 web pages from a folder with `import_sources` (both cores): read, decode,
//! parse, extract the article and its metadata, make the documents. The pages are the real ones
//! of `../shared/fixtures/readability/` (2 KB to 1.2 MB, 280 KB on average), cycled to 1,000 files.

use std::ops::ControlFlow;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use spanwise::formats::import::{ImportOptions, Input, import_sources};

fn thousand_pages(folder: &Path) -> u64 {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/readability");
    let mut pages: Vec<Vec<u8>> = std::fs::read_dir(&fixtures)
        .expect("fixtures")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| std::fs::read(e.path().join("source.html")).expect("source.html"))
        .collect();
    pages.sort();
    let mut bytes = 0;
    for i in 0..1000 {
        let page = &pages[i % pages.len()];
        bytes += page.len() as u64;
        std::fs::write(folder.join(format!("page{i:04}.html")), page).expect("write page");
    }
    bytes
}

fn import(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let bytes = thousand_pages(dir.path());
    eprintln!("1,000 pages, {:.0} MB of HTML", bytes as f64 / 1e6);
    let project = spanwise::model::Project::new("bench");
    // Every copy is imported (duplicates are what the cycling makes, not what is measured).
    let options = ImportOptions { skip_duplicates: false, ..Default::default() };
    let inputs = [Input::Path(dir.path().to_owned())];
    let mut group = c.benchmark_group("import");
    group.sample_size(10).measurement_time(Duration::from_secs(60));
    group.bench_function("1000_html_pages", |b| {
        b.iter(|| {
            let report = import_sources(&project, &inputs, &options, &|_| ControlFlow::Continue(()));
            assert_eq!(report.imported.len(), 1000, "{:?}", report.failed.first());
            report
        })
    });
    group.finish();
}

criterion_group!(benches, import);
criterion_main!(benches);
