//! The library's module graph points one way: no two modules of `src/`
//! use each other, directly or round a loop, and the bottom layers never
//! reach up. Read from the source text, so a new `use` that closes a loop
//! fails here rather than in a review.
//!
//! Two levels are checked: the top-level modules (`store`, `returns`,
//! `report`, …) and, inside each folder module, its files (`report/chart.rs`
//! and `report/html.rs`); a folder's `mod.rs` only declares its children,
//! so it is not a node of its own. A name reached through `super::Name` is
//! traced to the child file that `mod.rs` re-exports it from. Test code
//! (`#[cfg(test)]` onwards, and `tests.rs` files) may reach anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A directed graph of module names.
type Graph = BTreeMap<String, BTreeSet<String>>;

/// Every `.rs` file under `dir`, recursively, in a stable order.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// The code of a file without comments and without its test module.
fn code_of(text: &str) -> String {
    let mut code = String::new();
    for line in text.lines() {
        if line.trim_start().starts_with("#[cfg(test)]") {
            break;
        }
        let line = match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        };
        code.push_str(line);
        code.push('\n');
    }
    code
}

fn ident_len(s: &str) -> usize {
    s.find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(s.len())
}

/// Expands the path that starts at `s` (just after `crate::` or `super::`)
/// into every path it names: `a::{b, c::d}` gives `[a, b]` and `[a, c, d]`.
fn expand(s: &str) -> Vec<Vec<String>> {
    let s = s.trim_start();
    if let Some(group) = s.strip_prefix('{') {
        let mut paths = Vec::new();
        let mut depth = 0;
        let mut start = 0;
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    paths.extend(expand(&group[start..i]));
                    break;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    paths.extend(expand(&group[start..i]));
                    start = i + 1;
                }
                _ => {}
            }
        }
        return paths;
    }
    let len = ident_len(s);
    if len == 0 {
        return Vec::new();
    }
    let head = s[..len].to_string();
    let rest = &s[len..];
    match rest.strip_prefix("::") {
        Some(tail) => {
            let tails = expand(tail);
            if tails.is_empty() {
                vec![vec![head]]
            } else {
                tails
                    .into_iter()
                    .map(|t| std::iter::once(head.clone()).chain(t).collect())
                    .collect()
            }
        }
        None => vec![vec![head]],
    }
}

/// Every path a piece of code names after `prefix` (`crate::` or `super::`).
fn paths_after(code: &str, prefix: &str) -> Vec<Vec<String>> {
    code.match_indices(prefix)
        .filter(|(at, _)| {
            // `super::` inside `super::super::` or `crate::` inside
            // `$crate::` is still the same prefix; an identifier ending in
            // it (`my_crate::`) is not.
            code[..*at]
                .chars()
                .next_back()
                .is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
        })
        .flat_map(|(at, _)| expand(&code[at + prefix.len()..]))
        .collect()
}

/// Which child file of a folder module re-exports each name from `mod.rs`
/// (`pub use chart::{Chart, render}` maps `Chart` and `render` to `chart`).
fn reexports(mod_rs: &str, children: &BTreeSet<String>) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    let code = code_of(mod_rs);
    for (at, _) in code.match_indices("use ") {
        let path_text = code[at + 4..].trim_start();
        let path_text = path_text.strip_prefix("self::").unwrap_or(path_text);
        for path in expand(path_text) {
            if path.len() >= 2 && children.contains(&path[0]) {
                names.insert(path[path.len() - 1].clone(), path[0].clone());
            }
        }
    }
    names
}

struct Graphs {
    /// Edges between top-level modules.
    top: Graph,
    /// Edges between the files of each folder module, keyed by folder.
    inner: BTreeMap<String, Graph>,
}

fn module_graphs(src: &Path) -> Graphs {
    let mut top = Graph::new();
    let mut inner: BTreeMap<String, Graph> = BTreeMap::new();
    let mut folders: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // Each file with its path below src/ in parts: `report/chart`.
    let files: Vec<(PathBuf, Vec<String>)> = rust_files(src)
        .into_iter()
        .map(|file| {
            let parts = file
                .strip_prefix(src)
                .unwrap()
                .with_extension("")
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            (file, parts)
        })
        .collect();
    for (_, parts) in &files {
        if parts.len() == 2 && parts[1] != "mod" {
            folders
                .entry(parts[0].clone())
                .or_default()
                .insert(parts[1].clone());
        }
    }
    for (file, parts) in &files {
        if parts.last().is_some_and(|p| p == "tests") {
            continue;
        }
        let module = parts[0].clone();
        if module == "lib" || module == "main" {
            continue;
        }
        let code = code_of(&std::fs::read_to_string(file).unwrap());
        top.entry(module.clone()).or_default();
        for path in paths_after(&code, "crate::") {
            if path[0] != module
                && (folders.contains_key(&path[0]) || is_file_module(src, &path[0]))
            {
                top.get_mut(&module).unwrap().insert(path[0].clone());
            }
        }
        // Edges between the files of one folder module.
        let (Some(children), true) = (folders.get(&module), parts.len() == 2) else {
            continue;
        };
        let child = &parts[1];
        if child == "mod" {
            continue;
        }
        let mod_rs = std::fs::read_to_string(src.join(&module).join("mod.rs")).unwrap();
        let names = reexports(&mod_rs, children);
        let graph = inner.entry(module.clone()).or_default();
        graph.entry(child.clone()).or_default();
        let mut targets = Vec::new();
        for path in paths_after(&code, "super::") {
            targets.push(path[0].clone());
        }
        for path in paths_after(&code, "crate::") {
            if path[0] == module && path.len() >= 2 {
                targets.push(path[1].clone());
            }
        }
        for target in targets {
            let target = if children.contains(&target) {
                Some(target)
            } else {
                names.get(&target).cloned()
            };
            if let Some(target) = target.filter(|t| t != child) {
                graph.get_mut(child).unwrap().insert(target);
            }
        }
    }
    Graphs { top, inner }
}

fn is_file_module(src: &Path, name: &str) -> bool {
    src.join(format!("{name}.rs")).is_file()
}

/// A loop in the graph, as the modules round it, or `None`.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        node: &str,
        graph: &Graph,
        marks: &mut BTreeMap<String, Mark>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match marks.get(node) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let from = stack.iter().position(|n| n == node).unwrap();
                let mut cycle = stack[from..].to_vec();
                cycle.push(node.to_string());
                return Some(cycle);
            }
            None => {}
        }
        marks.insert(node.to_string(), Mark::Open);
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, marks, stack) {
                return Some(cycle);
            }
        }
        stack.pop();
        marks.insert(node.to_string(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for node in graph.keys() {
        if let Some(cycle) = visit(node, graph, &mut marks, &mut Vec::new()) {
            return Some(cycle);
        }
    }
    None
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn no_two_top_level_modules_use_each_other_round_a_loop() {
    let graphs = module_graphs(&src());
    // The reader sees the edges everyone knows are there; if it saw none,
    // an empty graph would pass for the wrong reason.
    for (from, to) in [("app", "store"), ("store", "crypto"), ("report", "model")] {
        assert!(
            graphs.top[from].contains(to),
            "the module reader missed {from} → {to}: {:?}",
            graphs.top
        );
    }
    if let Some(cycle) = find_cycle(&graphs.top) {
        panic!(
            "modules of src/ use each other round a loop: {}",
            cycle.join(" → ")
        );
    }
}

#[test]
fn no_two_files_of_a_folder_module_use_each_other_round_a_loop() {
    let graphs = module_graphs(&src());
    assert!(
        graphs.inner.get("store").is_some_and(|g| g.len() > 3),
        "the module reader found no files in store/: {:?}",
        graphs.inner.keys()
    );
    let loops: Vec<String> = graphs
        .inner
        .iter()
        .filter_map(|(folder, graph)| {
            find_cycle(graph).map(|cycle| format!("src/{folder}/: {}", cycle.join(" → ")))
        })
        .collect();
    assert!(
        loops.is_empty(),
        "files of a folder module use each other round a loop:\n{}",
        loops.join("\n")
    );
}

#[test]
fn the_bottom_layers_never_reach_up() {
    let graphs = module_graphs(&src());
    // crypto owns every cryptographic decision and knows nothing of what
    // it protects; the store keeps rows and knows nothing of returns,
    // reports or either front door.
    let rules: [(&str, &[&str]); 2] = [
        (
            "crypto",
            &[
                "store", "returns", "report", "app", "cli", "import", "synth",
            ],
        ),
        (
            "store",
            &["returns", "report", "app", "cli", "import", "synth"],
        ),
    ];
    for (low, above) in rules {
        for high in above {
            assert!(
                !graphs.top[low].contains(*high),
                "src/{low} uses src/{high}, a layer above it"
            );
        }
    }
}

#[test]
fn the_reader_finds_loops_and_grouped_paths() {
    assert_eq!(
        expand("a::{b, c::{d, e}}, f"),
        vec![
            vec!["a".to_string(), "b".into()],
            vec!["a".into(), "c".into(), "d".into()],
            vec!["a".into(), "c".into(), "e".into()],
        ]
    );
    let mut graph = Graph::new();
    graph.entry("a".into()).or_default().insert("b".into());
    graph.entry("b".into()).or_default().insert("c".into());
    assert_eq!(find_cycle(&graph), None);
    graph.entry("c".into()).or_default().insert("a".into());
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    let code =
        code_of("use crate::{store::Vault, period};\n// crate::cli\n#[cfg(test)]\nuse crate::app;");
    assert_eq!(
        paths_after(&code, "crate::"),
        vec![
            vec!["store".to_string(), "Vault".into()],
            vec!["period".into()]
        ]
    );
}
