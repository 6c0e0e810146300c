//! The layering rules of docs/ARCHITECTURE.md, checked on the source: no module imports one that
//! imports it back (directly or around a loop), nothing below `ui` uses egui, the session and the
//! model do no file I/O of their own, and no UI file grows past 600 lines.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn source_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            source_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// `src/ui/app/files.rs` -> `ui::app::files`; `src/ui/mod.rs` -> `ui`; `src/lib.rs` -> ``.
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts.join("::")
}

/// The code of a file without its `#[cfg(test)] mod tests` (tests may import anything).
fn without_tests(code: &str) -> &str {
    code.find("#[cfg(test)]\nmod tests").map_or(code, |at| &code[..at])
}

/// Every `use` statement's path, with braces expanded (`a::{b, c::{self, d}}` -> `a::b`, `a::c`,
/// `a::c::d`).
fn use_paths(code: &str) -> Vec<String> {
    let mut paths = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("use ") {
        let before = &rest[..at];
        rest = &rest[at + 4..];
        // Only statements: `use` at the start of a line (after indentation or `pub(...)`).
        let line_start = before.rsplit('\n').next().unwrap_or("");
        if !line_start.trim_start().is_empty() && !line_start.trim_start().starts_with("pub") {
            continue;
        }
        let Some(end) = rest.find(';') else { break };
        let statement: String = rest[..end].split_whitespace().collect();
        expand("", &statement, &mut paths);
    }
    paths
}

/// Expands one use tree below `prefix`.
fn expand(prefix: &str, tree: &str, paths: &mut Vec<String>) {
    let join = |a: &str, b: &str| if a.is_empty() { b.to_owned() } else { format!("{a}::{b}") };
    match tree.find('{') {
        None => {
            let tree = tree.split(" as ").next().unwrap_or(tree);
            paths.push(if tree == "self" { prefix.to_owned() } else { join(prefix, tree) });
        }
        Some(open) => {
            let base = join(prefix, tree[..open].trim_end_matches("::"));
            let inner = &tree[open + 1..tree.len() - 1];
            // Split on commas at depth 0.
            let (mut depth, mut start) = (0, 0);
            for (i, c) in inner.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        expand(&base, &inner[start..i], paths);
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            if start < inner.len() {
                expand(&base, &inner[start..], paths);
            }
        }
    }
}

/// The module a `use` path points into, if it is one of ours: the longest known module prefix.
fn target_module(from: &str, path: &str, modules: &BTreeSet<String>) -> Option<String> {
    let mut parts: Vec<&str> = path.split("::").collect();
    let mut base: Vec<&str> = if parts.first() == Some(&"crate") {
        parts.remove(0);
        Vec::new()
    } else if parts.first() == Some(&"super") || parts.first() == Some(&"self") {
        let mut base: Vec<&str> = if from.is_empty() { Vec::new() } else { from.split("::").collect() };
        while parts.first() == Some(&"super") {
            parts.remove(0);
            base.pop();
        }
        if parts.first() == Some(&"self") {
            parts.remove(0);
        }
        base
    } else {
        return None;
    };
    base.extend(parts);
    (1..=base.len()).rev().map(|n| base[..n].join("::")).find(|candidate| modules.contains(candidate))
}

fn sources() -> (PathBuf, Vec<(String, PathBuf, String)>) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    source_files(&src, &mut files);
    files.sort();
    let modules = files
        .iter()
        .map(|file| (module_of(&src, file), file.clone(), std::fs::read_to_string(file).unwrap()))
        .collect();
    (src, modules)
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let (_, files) = sources();
    let modules: BTreeSet<String> = files.iter().map(|(m, _, _)| m.clone()).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, _, code) in &files {
        for path in use_paths(without_tests(code)) {
            if let Some(target) = target_module(module, &path, &modules) {
                // A child using its parent is how Rust modules share the parent's items.
                let is_ancestor = module.starts_with(&format!("{target}::")) || target.is_empty();
                if target != *module && !is_ancestor {
                    graph.entry(module.clone()).or_default().insert(target);
                }
            }
        }
    }
    assert!(graph.get("ui::app").is_some_and(|t| t.contains("session")), "the checker sees imports: {graph:?}");
    // Depth-first search for a loop.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    for module in graph.keys() {
        if let Some(cycle) = visit(module, &graph, &mut Vec::new(), &mut done) {
            panic!("import cycle: {}", cycle.join(" -> "));
        }
    }
}

#[test]
fn nothing_below_the_ui_knows_egui() {
    let (_, files) = sources();
    for (module, file, code) in &files {
        if module == "ui" || module.starts_with("ui::") || module == "main" || module.is_empty() {
            continue;
        }
        for path in use_paths(code) {
            assert!(
                !(path.starts_with("egui") || path.starts_with("eframe")),
                "{} uses {path}: only ui may",
                file.display()
            );
        }
    }
}

#[test]
fn the_session_and_the_model_reach_the_disk_only_through_store() {
    let (_, files) = sources();
    for (module, file, code) in &files {
        let layer = module.split("::").next().unwrap_or("");
        if !matches!(layer, "session" | "model" | "edit") {
            continue;
        }
        for call in ["std::fs::", "fs::read", "fs::write", "fs::remove", "fs::rename", "File::open", "File::create"] {
            assert!(!without_tests(code).contains(call), "{} calls {call}: use store", file.display());
        }
    }
}

#[test]
fn no_ui_file_is_over_600_lines() {
    let (_, files) = sources();
    for (module, file, code) in &files {
        if module == "ui" || module.starts_with("ui::") {
            let lines = code.lines().count();
            assert!(lines <= 600, "{} has {lines} lines; split it (docs/ARCHITECTURE.md)", file.display());
        }
    }
}

#[test]
fn the_use_parser_reads_what_rust_writes() {
    let code = "use std::path::Path;\nuse super::app::{SpanwiseApp, files};\npub(crate) use crate::store::{self, journal::{self, Base}};\n  let x = use_me();\n";
    assert_eq!(
        use_paths(code),
        [
            "std::path::Path",
            "super::app::SpanwiseApp",
            "super::app::files",
            "crate::store",
            "crate::store::journal",
            "crate::store::journal::Base"
        ]
    );
    let modules: BTreeSet<String> =
        ["ui", "ui::app", "ui::app::files", "store", "store::journal"].into_iter().map(String::from).collect();
    assert_eq!(target_module("ui::dialogs", "super::app::SpanwiseApp", &modules).as_deref(), Some("ui::app"));
    assert_eq!(target_module("ui::app::files", "super::SpanwiseApp", &modules).as_deref(), Some("ui::app"));
    assert_eq!(target_module("x", "crate::store::journal::Base", &modules).as_deref(), Some("store::journal"));
    assert_eq!(target_module("x", "std::fs", &modules), None);
}
