//! Interleaved timing: every contender of a workload runs one batch per round, round-robin, so
//! that whatever else the machine does in a round slows them all alike.

use std::hint::black_box;
use std::time::{Duration, Instant};

/// How long and how often to measure.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    pub rounds: usize,
    /// The time one batch of one contender should take.
    pub batch: Duration,
}

/// One implementation of a workload: a name (`sigv4-kit`, `aws-sigv4`, `floor`, ...) and a
/// function that runs `n` iterations and returns the time they took, inputs made beforehand and
/// dropped afterwards, outside the measured time.
pub struct Contender<'a> {
    pub id: &'static str,
    pub label: &'static str,
    run: Box<dyn FnMut(u64) -> Duration + 'a>,
}

impl<'a> Contender<'a> {
    /// `call` measured as it is, `n` times in a row.
    pub fn plain<T>(id: &'static str, label: &'static str, mut call: impl FnMut() -> T + 'a) -> Self {
        let run = move |n: u64| {
            let start = Instant::now();
            for _ in 0..n {
                black_box(call());
            }
            start.elapsed()
        };
        Self { id, label, run: Box::new(run) }
    }

    /// `call` on an input of its own made by `make` for each iteration. The inputs are made
    /// before the clock starts and dropped, with `call`'s results, after it stops, a few at a
    /// time ([`INPUTS_PER_SPLIT`]): a request is signed while it is in cache, as one a client
    /// has just built is, rather than after thousands of others were built after it.
    pub fn with_input<I, T>(
        id: &'static str,
        label: &'static str,
        mut make: impl FnMut() -> I + 'a,
        mut call: impl FnMut(I) -> T + 'a,
    ) -> Self {
        let run = move |n: u64| {
            let mut elapsed = Duration::ZERO;
            let mut left = n;
            let mut outputs = Vec::with_capacity(INPUTS_PER_SPLIT as usize);
            while left > 0 {
                let split = left.min(INPUTS_PER_SPLIT);
                let inputs: Vec<I> = (0..split).map(|_| make()).collect();
                let start = Instant::now();
                for input in inputs {
                    outputs.push(call(black_box(input)));
                }
                elapsed += start.elapsed();
                outputs.clear();
                left -= split;
            }
            elapsed
        };
        Self { id, label, run: Box::new(run) }
    }
}

/// How many inputs [`Contender::with_input`] makes, and times, at a time: enough that reading
/// the clock (tens of nanoseconds) is noise beside the calls, few enough to stay in cache.
const INPUTS_PER_SPLIT: u64 = 32;

/// The times of one contender: nanoseconds per iteration, one figure per round.
#[derive(Clone, Debug)]
pub struct Measured {
    pub id: &'static str,
    pub label: &'static str,
    pub iterations: u64,
    pub per_round: Vec<f64>,
}

impl Measured {
    pub fn median(&self) -> f64 {
        let mut sorted = self.per_round.clone();
        sorted.sort_by(f64::total_cmp);
        match sorted.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => sorted[n / 2],
            n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
        }
    }

    pub fn min(&self) -> f64 {
        self.per_round.iter().copied().fold(f64::INFINITY, f64::min)
    }
}

/// The number of iterations whose batch takes about `settings.batch` (at least one), found by
/// running growing batches until one takes an eighth of it, then taking the fastest of three
/// more batches of that size (so that one preempted batch does not shrink the count); this also
/// warms the contender up.
fn calibrate(contender: &mut Contender<'_>, settings: Settings) -> u64 {
    let eighth = settings.batch / 8;
    let mut n = 1u64;
    while (contender.run)(n) < eighth && n < 1 << 30 {
        n *= 2;
    }
    let fastest = (0..3).map(|_| (contender.run)(n)).min().unwrap_or(settings.batch);
    let per_iter = fastest.as_secs_f64() / n as f64;
    ((settings.batch.as_secs_f64() / per_iter.max(1e-12)) as u64).max(1)
}

/// Runs the contenders interleaved: each is calibrated, then `settings.rounds` rounds run one batch
/// of each, the order rotating by one every round.
pub fn measure(contenders: Vec<Contender<'_>>, settings: Settings) -> Vec<Measured> {
    let mut contenders = contenders;
    let iterations: Vec<u64> = contenders.iter_mut().map(|c| calibrate(c, settings)).collect();
    let mut per_round = vec![Vec::with_capacity(settings.rounds); contenders.len()];
    for round in 0..settings.rounds {
        for k in 0..contenders.len() {
            let i = (round + k) % contenders.len();
            let elapsed = (contenders[i].run)(iterations[i]);
            per_round[i].push(elapsed.as_secs_f64() * 1e9 / iterations[i] as f64);
        }
    }
    let measured = contenders.iter().zip(iterations).zip(per_round);
    measured.map(|((c, iterations), per_round)| Measured { id: c.id, label: c.label, iterations, per_round }).collect()
}
