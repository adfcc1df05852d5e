//! The layering of `docs/ARCHITECTURE.md`, checked on the source: every module of `src/` may
//! import only from its own layer or the layers below, `sign` and `verify` (and the faces) do
//! not import each other, and no two modules import each other through any chain.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every top-level module of the library and its layer, lowest first. A new module must be
/// added here (and to the document) before it builds: the test fails on an unknown one.
const LAYERS: &[(&str, u8)] = &[
    // 0. Primitives.
    ("digest", 0),
    ("slices", 0),
    ("scan", 0),
    ("inline_vec", 0),
    ("error", 0),
    ("time", 0),
    // 1. The specification's pieces.
    ("region_set", 1),
    ("request", 1),
    ("known_headers", 1),
    ("scope", 1),
    ("signature", 1),
    ("credentials", 1),
    ("key", 1),
    ("string_to_sign", 1),
    ("payload", 1),
    ("auth_params", 1),
    ("canonical", 1),
    ("sigv4a", 1),
    // 2. Streaming, for both sides.
    ("chunked", 2),
    // 3. The two jobs.
    ("sign", 3),
    ("verify", 3),
    // 4. Faces.
    ("raw", 4),
    ("tower", 4),
];

/// Layers whose modules must not import one another (the two jobs; the faces).
const INDEPENDENT: &[u8] = &[3, 4];

fn layer(module: &str) -> u8 {
    LAYERS
        .iter()
        .find(|(name, _)| *name == module)
        .map(|&(_, l)| l)
        .unwrap_or_else(|| panic!("module `{module}` is in no layer: add it to LAYERS and docs/ARCHITECTURE.md"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "bin") {
                rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its unit tests and its comment lines (doc links are not imports).
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or(text);
    text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
}

/// The top-level modules that `code` names through `crate::`.
fn imports(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `use crate::{a::X, b};`
            let group = group.split('}').next().unwrap_or_default();
            for item in group.split(',') {
                let name: String = item.trim().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if name.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
                    out.insert(name);
                }
            }
            continue;
        }
        let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        if rest[name.len()..].starts_with("::") {
            out.insert(name);
        }
    }
    out
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap_or_else(|e| panic!("{e}"));
        let top = rel.iter().next().and_then(|c| c.to_str()).unwrap_or_default().trim_end_matches(".rs").to_owned();
        if top == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let entry = edges.entry(top.clone()).or_default();
        for target in imports(&code(&text)) {
            if target != top {
                entry.insert(target);
            }
        }
    }
    edges
}

#[test]
fn modules_import_only_their_own_layer_and_those_below() {
    let mut wrong = Vec::new();
    for (from, targets) in graph() {
        for to in targets {
            let (lf, lt) = (layer(&from), layer(&to));
            if lt > lf || (lt == lf && INDEPENDENT.contains(&lf)) {
                wrong.push(format!("{from} (layer {lf}) imports {to} (layer {lt})"));
            }
        }
    }
    assert!(wrong.is_empty(), "imports against docs/ARCHITECTURE.md:\n{}", wrong.join("\n"));
}

#[test]
fn no_module_reaches_itself_through_its_imports() {
    let edges = graph();
    for start in edges.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<(String, Vec<String>)> = vec![(start.clone(), vec![start.clone()])];
        while let Some((node, path)) = stack.pop() {
            for next in edges.get(&node).into_iter().flatten() {
                assert!(next != start, "import cycle: {} -> {start}", path.join(" -> "));
                if seen.insert(next.clone()) {
                    let mut p = path.clone();
                    p.push(next.clone());
                    stack.push((next.clone(), p));
                }
            }
        }
    }
}

#[test]
fn the_checker_sees_imports_and_ignores_comments_and_tests() {
    let sample = "//! [`X`](crate::verify::X)\nuse crate::{digest::Sink, time};\nfn f() { crate::sign::g(); }\n\
                  #[cfg(test)]\nmod tests { use crate::tower::T; }";
    let found: Vec<String> = imports(&code(sample)).into_iter().collect();
    assert_eq!(found, ["digest", "sign", "time"]);
}
