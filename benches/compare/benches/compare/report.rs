//! The settings of a run, the machine it ran on, and its results: the tables on standard output,
//! the targets of issue 17 with their verdicts, and the same as JSON for `benches/report.py`.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use sigv4_kit::sign::Explanation;

use crate::timing::{Measured, Settings};

/// What to run, how long, and where the JSON goes.
pub struct Config {
    pub settings: Settings,
    pub quick: bool,
    pub list: bool,
    filters: Vec<String>,
    json: PathBuf,
}

impl Config {
    /// From the arguments after `--` and the `SIGV4_COMPARE_*` variables; exits on a bad one.
    pub fn from_env_and_args(ids: [&str; 8]) -> Self {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let mut quick = env("SIGV4_COMPARE_QUICK").is_some_and(|v| v != "0");
        let mut list = false;
        let mut json = env("SIGV4_COMPARE_JSON").map(PathBuf::from);
        let mut filters: Vec<String> =
            env("SIGV4_COMPARE_FILTER").map(|v| v.split(',').map(str::to_owned).collect()).unwrap_or_default();
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                // What `cargo bench` passes to every bench.
                "--bench" => {}
                "--quick" => quick = true,
                "--list" => list = true,
                "--json" => json = Some(args.next().unwrap_or_else(|| usage("--json needs a path")).into()),
                _ if arg.starts_with("--json=") => json = Some(arg["--json=".len()..].into()),
                _ if arg.starts_with('-') => usage(&format!("unknown option {arg}")),
                _ => filters.push(arg),
            }
        }
        filters.retain(|f| !f.is_empty());
        if let Some(unknown) = filters.iter().find(|f| !ids.iter().any(|id| id.contains(f.as_str()))) {
            usage(&format!("no workload matches {unknown:?}; the workloads are {}", ids.join(", ")));
        }
        let mut settings = crate::settings(quick);
        let number = |name: &str| env(name).map(|v| v.parse::<u64>().unwrap_or_else(|_| usage(&format!("{name}={v}"))));
        if let Some(rounds) = number("SIGV4_COMPARE_ROUNDS") {
            settings.rounds = rounds.max(1) as usize;
        }
        if let Some(ms) = number("SIGV4_COMPARE_BATCH_MS") {
            settings.batch = std::time::Duration::from_millis(ms.max(1));
        }
        let json = json.unwrap_or_else(|| {
            let target =
                env("CARGO_TARGET_DIR").unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/target").into());
            PathBuf::from(target).join("compare.json")
        });
        Self { settings, quick, list, filters, json }
    }

    pub fn selects(&self, id: &str) -> bool {
        self.filters.is_empty() || self.filters.iter().any(|f| id.contains(f.as_str()))
    }
}

fn usage(problem: &str) -> ! {
    eprintln!("compare: {problem}");
    eprintln!(
        "usage: cargo bench --manifest-path benches/compare/Cargo.toml --ignore-rust-version -- [--quick] [--json PATH] [--list] [WORKLOAD...]"
    );
    std::process::exit(2)
}

/// The machine, the compiler and the commit.
pub struct Environment {
    pub cpu: String,
    /// Whether the CPU has SHA-256 instructions (`sha_ni` on x86, `sha2` on aarch64); `None` when
    /// that cannot be told.
    pub sha: Option<bool>,
    pub cores: usize,
    pub rustc: String,
    pub commit: String,
    pub load: String,
}

fn command(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).current_dir(env!("CARGO_MANIFEST_DIR")).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

impl Environment {
    pub fn detect() -> Self {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let field = |name: &str| {
            cpuinfo.lines().find_map(|line| {
                let (key, value) = line.split_once(':')?;
                (key.trim() == name).then(|| value.trim().to_owned())
            })
        };
        let cpu = field("model name").or_else(|| field("Model")).or_else(|| field("Hardware"));
        let cpu = cpu.unwrap_or_else(|| format!("unknown {}", std::env::consts::ARCH));
        let (flags, flag) = match std::env::consts::ARCH {
            "aarch64" => (field("Features"), "sha2"),
            _ => (field("flags"), "sha_ni"),
        };
        let sha = flags.map(|flags| flags.split_whitespace().any(|f| f == flag)).or_else(runtime_sha);
        let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
        let rustc = command(&rustc, &["--version"]).unwrap_or_else(|| "unknown".to_owned());
        let commit = command("git", &["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "unknown".to_owned());
        let dirty = command("git", &["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
        let commit = if dirty { format!("{commit} + uncommitted changes") } else { commit };
        let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
        let load = load.split_whitespace().take(3).collect::<Vec<_>>().join(" ");
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self { cpu, sha, cores, rustc, commit, load }
    }

    pub fn sha_text(&self) -> &'static str {
        match self.sha {
            Some(true) => "yes",
            Some(false) => "no",
            None => "unknown",
        }
    }

    pub fn print(&self, config: &Config) {
        let s = config.settings;
        println!("sigv4-kit beside its peers, interleaved (benches/compare)");
        println!("CPU: {} ({} cores), SHA extensions (sha_ni / sha2): {}", self.cpu, self.cores, self.sha_text());
        println!("Compiler: {}; commit {}; load average before the run: {}", self.rustc, self.commit, self.load);
        let quick = if config.quick { ", quick run: rough figures" } else { "" };
        println!("{} rounds, batches of about {} ms per contender{quick}", s.rounds, s.batch.as_millis());
        println!(
            "Figures: ns per call, median and minimum over the rounds; `ours / this` is sigv4-kit's median over this one's"
        );
    }
}

/// SHA-256 instructions as the running program detects them, where `/proc/cpuinfo` says nothing.
fn runtime_sha() -> Option<bool> {
    #[cfg(target_arch = "x86_64")]
    return Some(std::arch::is_x86_feature_detected!("sha"));
    #[cfg(target_arch = "aarch64")]
    return Some(std::arch::is_aarch64_feature_detected!("sha2"));
    #[allow(unreachable_code)]
    None
}

/// One workload's results.
pub struct Workload {
    pub id: &'static str,
    pub label: &'static str,
    pub canonical_len: usize,
    pub string_to_sign_len: usize,
    pub results: Vec<Measured>,
    pub notes: Vec<String>,
}

impl Workload {
    pub fn new(id: &'static str, label: &'static str, explanation: &Explanation, results: Vec<Measured>) -> Self {
        let (canonical_len, string_to_sign_len) =
            (explanation.canonical_request.len(), explanation.string_to_sign.len());
        Self { id, label, canonical_len, string_to_sign_len, results, notes: Vec::new() }
    }

    pub fn note(&mut self, note: String) {
        self.notes.push(note);
    }

    pub fn median(&self, contender: &str) -> Option<f64> {
        self.results.iter().find(|m| m.id == contender).map(Measured::median)
    }

    pub fn print(&self) {
        println!();
        println!("{}: {}", self.id, self.label);
        println!("  canonical request {} B, string to sign {} B", self.canonical_len, self.string_to_sign_len);
        let ours = self.median("sigv4-kit");
        println!("  {:<44} {:>10} {:>10} {:>8} {:>11}", "contender", "median", "min", "calls", "ours / this");
        for m in &self.results {
            let ratio = ours.map(|o| o / m.median()).map_or("—".to_owned(), format_ratio);
            let (median, min) = (format_time(m.median()), format_time(m.min()));
            println!("  {:<44} {median:>10} {min:>10} {:>8} {ratio:>11}", m.label, m.iterations);
        }
        for note in &self.notes {
            println!("  note: {note}");
        }
    }
}

pub fn format_time(ns: f64) -> String {
    let (value, unit) = if ns < 1e3 {
        (ns, "ns")
    } else if ns < 1e6 {
        (ns / 1e3, "µs")
    } else {
        (ns / 1e6, "ms")
    };
    let digits = if value >= 100.0 {
        0
    } else if value >= 10.0 {
        1
    } else {
        2
    };
    format!("{value:.digits$} {unit}")
}

pub fn format_ratio(x: f64) -> String {
    if x < 10.0 { format!("{x:.2}×") } else { format!("{x:.1}×") }
}

/// A target of issue 17: sigv4-kit's median in `workload` over `peer`'s at most `limit`.
struct Target {
    label: &'static str,
    workload: &'static str,
    peer: &'static str,
    limit: f64,
    /// Judged only on a CPU with SHA extensions (the aws-sigv4 ratios).
    sha_only: bool,
}

const fn target(label: &'static str, workload: &'static str, peer: &'static str, limit: f64) -> Target {
    Target { label, workload, peer, limit, sha_only: false }
}

const fn sha_target(label: &'static str, workload: &'static str, limit: f64) -> Target {
    Target { label, workload, peer: "aws-sigv4", limit, sha_only: true }
}

const TARGETS: [Target; 15] = [
    target("sign GET (cached key) ≤ 1.5× floor", "sign_get", "floor", 1.5),
    sha_target("sign GET (cached key) ≤ 0.12× aws-sigv4", "sign_get", 0.12),
    target("sign POST ≤ 1.5× floor", "sign_post", "floor", 1.5),
    sha_target("sign POST ≤ 0.12× aws-sigv4", "sign_post", 0.12),
    target("presign GET ≤ 1.5× floor", "presign_get", "floor", 1.5),
    sha_target("presign GET ≤ 0.12× aws-sigv4", "presign_get", 0.12),
    target("verify header-signed GET ≤ 2.0× floor", "verify_header", "floor", 2.0),
    target("verify header-signed GET ≤ 0.4× s3s (cached key)", "verify_header", "s3s-sigv4/cached", 0.4),
    target("verify header-signed GET ≤ 0.2× scratchstack", "verify_header", "scratchstack", 0.2),
    target("verify presigned GET ≤ 2.0× floor", "verify_presigned", "floor", 2.0),
    target("verify presigned GET ≤ 0.4× s3s (cached key)", "verify_presigned", "s3s-sigv4/cached", 0.4),
    target("verify presigned GET ≤ 0.2× scratchstack", "verify_presigned", "scratchstack", 0.2),
    target("sign with 100 query params ≤ 2.0× floor", "scaling_query_100", "floor", 2.0),
    target("sign with 50 headers ≤ 2.0× floor", "scaling_headers_50", "floor", 2.0),
    target("sign with a 1 KiB path ≤ 2.0× floor", "scaling_path_1k", "floor", 2.0),
];

/// A target's verdict in a run.
struct Verdict<'t> {
    target: &'t Target,
    measured: Option<f64>,
    result: &'static str,
}

fn verdicts<'t>(workloads: &[Workload], environment: &Environment) -> Vec<Verdict<'t>> {
    TARGETS
        .iter()
        .map(|target| {
            let Some(workload) = workloads.iter().find(|w| w.id == target.workload) else {
                return Verdict { target, measured: None, result: "not measured (filtered out)" };
            };
            let (ours, peer) = (workload.median("sigv4-kit"), workload.median(target.peer));
            let measured = ours.zip(peer).map(|(o, p)| o / p);
            let result = match measured {
                None => "n/a (the peer cannot verify this request)",
                Some(_) if target.sha_only && environment.sha != Some(true) => "n/a (no SHA-NI)",
                Some(x) if x <= target.limit => "pass",
                Some(_) => "FAIL",
            };
            Verdict { target, measured, result }
        })
        .collect()
}

pub fn print_targets(workloads: &[Workload], environment: &Environment) {
    println!();
    println!("Targets of issue 17 (sigv4-kit's median over the other's, in this run):");
    println!("  {:<52} {:>9} {:>7}  result", "target", "measured", "limit");
    for v in verdicts(workloads, environment) {
        let measured = v.measured.map_or("—".to_owned(), format_ratio);
        println!("  {:<52} {measured:>9} {:>7}  {}", v.target.label, format_ratio(v.target.limit), v.result);
    }
}

/// `text` as a JSON string.
fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn json_number(x: Option<f64>) -> String {
    x.filter(|x| x.is_finite()).map_or("null".to_owned(), |x| format!("{x:.3}"))
}

/// The run as JSON: the machine, the settings, every workload's contenders with their medians,
/// minima and per-round figures, and the targets with their verdicts.
fn json(config: &Config, environment: &Environment, workloads: &[Workload]) -> String {
    let finished = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let sha = environment.sha.map_or("null", |sha| if sha { "true" } else { "false" });
    let mut out = String::from("{\n");
    let _ = writeln!(out, "  \"finished_unix\": {finished},");
    let _ = writeln!(out, "  \"quick\": {},", config.quick);
    let _ = writeln!(out, "  \"rounds\": {},", config.settings.rounds);
    let _ = writeln!(out, "  \"batch_ms\": {},", config.settings.batch.as_secs_f64() * 1e3);
    let _ = writeln!(out, "  \"cpu\": {},", json_string(&environment.cpu));
    let _ = writeln!(out, "  \"cores\": {},", environment.cores);
    let _ = writeln!(out, "  \"sha_extensions\": {sha},");
    let _ = writeln!(out, "  \"rustc\": {},", json_string(&environment.rustc));
    let _ = writeln!(out, "  \"commit\": {},", json_string(&environment.commit));
    let _ = writeln!(out, "  \"load\": {},", json_string(&environment.load));
    out.push_str("  \"workloads\": [\n");
    for (i, w) in workloads.iter().enumerate() {
        let _ = writeln!(out, "    {{\"id\": {}, \"label\": {},", json_string(w.id), json_string(w.label));
        let _ = writeln!(
            out,
            "     \"canonical_request_bytes\": {}, \"string_to_sign_bytes\": {},",
            w.canonical_len, w.string_to_sign_len
        );
        let notes: Vec<String> = w.notes.iter().map(|n| json_string(n)).collect();
        let _ = writeln!(out, "     \"notes\": [{}],", notes.join(", "));
        out.push_str("     \"contenders\": [\n");
        for (j, m) in w.results.iter().enumerate() {
            let rounds: Vec<String> = m.per_round.iter().map(|x| format!("{x:.1}")).collect();
            let _ = write!(
                out,
                "       {{\"id\": {}, \"label\": {}, \"median_ns\": {}, \"min_ns\": {}, \"calls_per_batch\": {}, \"rounds_ns\": [{}]}}",
                json_string(m.id),
                json_string(m.label),
                json_number(Some(m.median())),
                json_number(Some(m.min())),
                m.iterations,
                rounds.join(", ")
            );
            out.push_str(if j + 1 < w.results.len() { ",\n" } else { "\n" });
        }
        out.push_str("     ]}");
        out.push_str(if i + 1 < workloads.len() { ",\n" } else { "\n" });
    }
    out.push_str("  ],\n  \"targets\": [\n");
    let verdicts = verdicts(workloads, environment);
    for (i, v) in verdicts.iter().enumerate() {
        let t = v.target;
        let _ = write!(
            out,
            "    {{\"label\": {}, \"workload\": {}, \"peer\": {}, \"limit\": {}, \"sha_only\": {}, \"measured\": {}, \"result\": {}}}",
            json_string(t.label),
            json_string(t.workload),
            json_string(t.peer),
            json_number(Some(t.limit)),
            t.sha_only,
            json_number(v.measured),
            json_string(v.result)
        );
        out.push_str(if i + 1 < verdicts.len() { ",\n" } else { "\n" });
    }
    out.push_str("  ]\n}\n");
    out
}

pub fn write_json(config: &Config, environment: &Environment, workloads: &[Workload]) {
    let text = json(config, environment, workloads);
    if let Some(dir) = config.json.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    match std::fs::write(&config.json, text) {
        Ok(()) => println!("\nwrote {}", config.json.display()),
        Err(e) => {
            eprintln!("compare: cannot write {}: {e}", config.json.display());
            std::process::exit(1);
        }
    }
}
