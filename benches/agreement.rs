//! Agreement on the generated 10 MB document with three coders' 600,000 spans: alpha_U
//! corpus-wide (units built from the project, merged, D_o and D_e per label) and everything
//! `spanwise agree` computes (alpha_U plus span F1 of two coders against the first); what the
//! Agreement panel adds: copying the project for its worker, comparing two coders on a document.

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use spanwise::analysis::agreement::{agreement, unitizing_agreement};
use spanwise::analysis::layers::Selection;
use spanwise::model::{Annotation, Annotator, IdGenerator, Project};

/// The 10 MB / 200,000-annotation project of the other benches (`common::generated_10mb`, made
/// here directly so this bench builds without the window), coded by three coders, 200,000 spans
/// each: the generated coder and two others who each put every 10th span 50 code points further
/// on, cut the end of every 7th by up to three code points and give every 17th another label (at
/// different phases).
pub fn three_coders() -> Project {
    let mut project = spanwise::generate::project(10_000_000, 200_000, 3);
    let labels = ["claim", "quote", "actor", "recommendation"];
    for (coder, phase) in [("b", 1usize), ("c", 4)] {
        project.annotators.push(Annotator { id: coder.into(), name: coder.to_uppercase() });
        let document = &mut project.documents[0];
        let mut ids = IdGenerator::seeded(phase as u64 * 7919);
        let mut extra: Vec<Box<Annotation>> = Vec::with_capacity(document.annotations.len());
        for (i, annotation) in document.annotations.iter().filter(|a| a.annotator == "bench").enumerate() {
            let mut copy = annotation.clone();
            copy.id = ids.next_id();
            copy.annotator = coder.into();
            if (i + phase) % 10 == 0 {
                // Put somewhere else: a span the first coder does not have, and one it misses.
                let fragment = &copy.fragments[0];
                if let Some(moved) = document.fragment(fragment.start + 50..fragment.end + 50) {
                    copy.fragments[0] = moved;
                }
            }
            if (i + phase) % 7 == 0 {
                let fragment = &copy.fragments[0];
                let end = (fragment.end - 1 - (i % 3)).max(fragment.start + 1);
                if let Some(cut) = document.fragment(fragment.start..end) {
                    copy.fragments[0] = cut;
                }
            }
            if (i + phase) % 17 == 0 {
                copy.label = labels[(i + 1) % labels.len()].into();
            }
            extra.push(copy);
        }
        document.annotations.extend(extra);
    }
    project.documents[0].annotations.sort_by_key(|a| a.sort_key());
    project
}

fn agreement_benches(c: &mut Criterion) {
    let project = three_coders();
    let spans = project.annotation_count();
    assert_eq!(spans, 600_000);
    eprintln!("three coders: {spans} spans on {} code points", project.documents[0].char_len());
    let selection = Selection::resolve(&project, None, None).expect("selection");
    assert_eq!(selection.annotators, ["bench", "b", "c"]);
    // Cold: the first call in this process (allocator and caches cold).
    let start = Instant::now();
    let (corpus, _) = unitizing_agreement(&project, &selection).expect("alpha_U");
    eprintln!("alpha_U cold (first call): {:.3} s; overall {:?}", start.elapsed().as_secs_f64(), corpus.overall);
    let start = Instant::now();
    let report = agreement(&project, None, None).expect("agreement");
    eprintln!(
        "agree cold (first call): {:.3} s; exact micro F1 {:?}",
        start.elapsed().as_secs_f64(),
        report.f1.micro(spanwise::analysis::span_f1::Mode::Exact).f1
    );
    let mut group = c.benchmark_group("agreement");
    group.sample_size(10).measurement_time(Duration::from_secs(10));
    group.bench_function("alpha_u_corpus_10mb_3x200k_warm", |b| {
        b.iter(|| unitizing_agreement(&project, &selection).expect("alpha_U"))
    });
    group.bench_function("agree_all_10mb_3x200k_warm", |b| {
        b.iter(|| agreement(&project, None, None).expect("agreement"))
    });
    // What the Agreement panel does on the window's thread before handing work to a worker:
    // copying the project (once per report) and, for the compare view, copying the two layers of
    // the shown document; the comparison itself runs on the worker for a project this large.
    group.bench_function("panel_project_copy_10mb_600k", |b| b.iter(|| project.clone()));
    group.bench_function("compare_document_10mb_2x200k", |b| {
        b.iter(|| {
            spanwise::analysis::compare::compare_document(&project, &project.documents[0], "bench", "b")
                .disagreements
                .len()
        })
    });
    group.finish();
}

criterion_group!(benches, agreement_benches);
criterion_main!(benches);
