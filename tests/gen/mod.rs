//! A seeded random scenario generator for the differential tests.
//!
//! Each seed gives one valid scenario that uses the constructs asim supports,
//! shaped to stress ordering: equal deadlines (more than three at once),
//! float deadlines that nearly tie (0.1 + 0.2 against 0.3), `sleep(0)`,
//! lock and semaphore handoffs with newcomers arriving as a unit is
//! released, events set and cleared, gather failures with and without
//! `return_exceptions`, task groups whose children fail together,
//! try/finally around cancellation, tasks still running when main ends,
//! deadlocks, and a print at nearly every step so the order is visible.
//!
//! Coroutine `cK` only calls `cJ` with J > K, so nothing recurses, and every
//! loop is bounded: every scenario ends (or deadlocks) quickly.

pub(crate) mod diff;
pub(crate) mod exprs;

/// SplitMix64: small, fast, and the same on every machine.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub(crate) fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const SLEEPS: &[&str] =
    &["0", "0", "0.1", "0.2", "0.3", "0.5", "1", "1", "1", "1", "2", "250ms", "0.1 + 0.2", "n * 0.1", "1e-10", "-1"];

struct Gen {
    rng: Rng,
    out: String,
    /// Coroutines and their parameter counts.
    coros: usize,
    /// Step budget for the current coroutine.
    budget: usize,
    /// Counter for unique local names.
    fresh: usize,
    /// Current coroutine index (`coros` for main).
    me: usize,
    /// Task handles bound in the current coroutine.
    handles: Vec<String>,
    /// Nesting depth of task groups.
    in_group: usize,
    /// Nesting depth of `for` loops whose body is generated (a `break` or
    /// `continue` may go there).
    loops: usize,
    label: String,
}

impl Gen {
    fn line(&mut self, ind: usize, text: &str) {
        for _ in 0..ind {
            self.out.push_str("  ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// `except:` (or `except_star:`) with one handler that binds the
    /// exception and prints `print` (a whole `- print: ...` line).
    fn handler(&mut self, ind: usize, kw: &str, matches: &str, bind: &str, print: &str) {
        self.line(ind + 1, &format!("{kw}:"));
        self.line(ind + 2, &format!("- match: {matches}"));
        self.line(ind + 3, &format!("as: {bind}"));
        self.line(ind + 3, "do:");
        self.line(ind + 4, print);
    }

    fn name(&mut self, base: &str) -> String {
        self.fresh += 1;
        format!("{base}{}", self.fresh)
    }

    fn say(&mut self, ind: usize, what: &str) {
        let label = self.label.clone();
        self.line(ind, &format!("- print: \"{label} {what} c={{counter}}\""));
    }

    /// A call to a coroutine after the current one, or `None` if there is none.
    fn callee(&mut self) -> Option<String> {
        let first = if self.me == self.coros { 0 } else { self.me + 1 };
        if first >= self.coros {
            return None;
        }
        let j = first + self.rng.below(self.coros - first);
        let arg = *self.rng.pick(&["0", "1", "2", "3", "n + 1", "n * 2", "5"]);
        let arg = if self.me == self.coros { arg.replace('n', "7") } else { arg.to_owned() };
        // Unpacked arguments, bound when the call runs.
        Some(match self.rng.below(8) {
            0 => format!("c{j}(*[{arg}])"),
            1 => format!("c{j}(**dict(n={arg}))"),
            _ => format!("c{j}({arg})"),
        })
    }

    fn steps(&mut self, ind: usize, max: usize) {
        let n = 1 + self.rng.below(max);
        for _ in 0..n {
            if self.budget == 0 {
                break;
            }
            self.budget -= 1;
            self.step(ind);
        }
        if self.rng.chance(60) {
            let k = self.budget;
            self.say(ind, &format!("at {k}"));
        }
    }

    fn step(&mut self, ind: usize) {
        let nested = ind < 10;
        match self.rng.below(44) {
            0..=2 => {
                let s = *self.rng.pick(SLEEPS);
                // Some durations carry a spread for `asim explore` (the run
                // and CPython use the nominal value); chosen by the step
                // budget, not the generator, so every seed's program is
                // the one it was.
                let base = if self.me == self.coros { s.replace('n', "3") } else { s.to_owned() };
                let s = match (s, self.budget % 3) {
                    ("1", 0) => "1 ± 20%".to_owned(),
                    ("1", 1) => "uniform(0.5, 1.5)".to_owned(),
                    ("0.5", 0) => "0.5 +- 100ms".to_owned(),
                    ("n * 0.1", 0) => format!("{base} ± 10%"),
                    _ => base,
                };
                self.line(ind, &format!("- sleep: '{s}'"));
                self.say(ind, &format!("slept {}", s.replace('\'', "")));
            }
            3 => {
                let s = *self.rng.pick(&["0.05", "0.25", "0"]);
                let s = if s == "0.05" && self.budget % 2 == 0 { "0.05 ± 50%" } else { s };
                self.line(ind, &format!("- block: {s}"));
                if self.rng.chance(50) {
                    // The clock and the current task, as a program reads them.
                    let clock = *self.rng.pick(&[
                        "asyncio.get_running_loop().time()",
                        "time.monotonic()",
                        "asyncio.get_event_loop().time()",
                    ]);
                    self.say(ind, &format!("at {{{clock}}} in {{asyncio.current_task().get_name()}}"));
                } else if self.rng.chance(30) {
                    self.say(ind, "math {round(counter / 3, 2)} {round(counter * 2.5)} {divmod(counter, 3)} {any([counter, 0])} {all([counter])}");
                } else if self.rng.chance(30) {
                    self.say(
                        ind,
                        "text {'a-b-c'.split('-', counter % 3)} {' x y '.split(None, 1)} {'xax'.strip('x')} {'aaa'.replace('a', 'b', counter % 4)} {int(str(counter), 16)} {'ab'.startswith(('x', 'a'))}",
                    );
                }
            }
            4 | 5 => {
                if let Some(c) = self.callee() {
                    let r = self.name("r");
                    match self.rng.below(8) {
                        // `await` inside expressions: lifted in evaluation
                        // order (the read of `counter` before the await).
                        0 => self.line(ind, &format!("- let: {{{r}: \"[counter, await {c}, counter]\"}}")),
                        1 => {
                            self.line(ind, &format!("- set: \"counter += await {c}\""));
                            self.line(ind, &format!("- let: {{{r}: counter}}"));
                        }
                        2 => {
                            self.line(ind, &format!("- if: \"counter > 2 and await {c} is not None\""));
                            self.line(ind + 1, "then:");
                            self.line(ind + 2, &format!("- print: \"{} awaited in a condition\"", self.label.clone()));
                            self.line(ind, &format!("- let: {{{r}: counter}}"));
                        }
                        3 => {
                            self.line(
                                ind,
                                &format!(
                                    "- print: \"{} got {{counter}} {{await {c}}} {{counter}}\"",
                                    self.label.clone()
                                ),
                            );
                            self.line(ind, &format!("- let: {{{r}: counter}}"));
                        }
                        _ => {
                            self.line(ind, &format!("- await: '{c}'"));
                            self.line(ind + 1, &format!("as: {r}"));
                        }
                    }
                    self.say(ind, &format!("got {{{r}}}"));
                }
            }
            6 | 7 => {
                let prim = if self.rng.chance(15) { Some("jobs.get()".to_owned()) } else { None };
                if let Some(c) = prim.or_else(|| self.callee()) {
                    let t = self.name("t");
                    if self.in_group == 0 && self.rng.chance(25) {
                        // create_task as an expression; loop.create_task's
                        // named task takes no Task-N number.
                        let f = *self.rng.pick(&["asyncio", "asyncio.get_running_loop()"]);
                        let name = if self.rng.chance(40) { format!(", name='job-{t}'") } else { String::new() };
                        self.line(ind, &format!("- let: {{{t}: \"{f}.create_task({c}{name})\"}}"));
                    } else {
                        self.line(ind, &format!("- spawn: '{c}'"));
                        self.line(ind + 1, &format!("as: {t}"));
                        if self.budget % 5 == 0 {
                            self.line(ind + 1, "allow: fire-and-forget");
                        }
                        if self.rng.chance(20) {
                            self.line(ind + 1, &format!("name: \"job-{t}\""));
                        }
                    }
                    if self.in_group == 0 {
                        self.handles.push(t);
                    }
                }
            }
            8 => {
                if let Some(t) = self.handles.pop() {
                    let r = self.name("r");
                    self.line(ind, "- try:");
                    self.line(ind + 2, &format!("- await: {t}"));
                    self.line(ind + 3, &format!("as: {r}"));
                    self.line(ind + 2, &format!("- print: \"{} awaited {t}: {{{r}}}\"", self.label.clone()));
                    self.handler(
                        ind,
                        "except",
                        "Exception",
                        "e",
                        &format!("- print: \"{} {t} failed: {{e!r}}\"", self.label.clone()),
                    );
                }
            }
            9 | 10 if nested => {
                let mut items = Vec::new();
                for _ in 0..1 + self.rng.below(4) {
                    if self.rng.chance(25) && !self.handles.is_empty() {
                        let t = self.handles.remove(0);
                        items.push(t);
                    } else if let Some(c) = self.callee() {
                        items.push(c);
                    }
                }
                if self.rng.chance(25) {
                    if let Some(c) = self.callee() {
                        let c = c.replace("(0)", "(i)").replace("(1)", "(i)");
                        items.push(format!("{{for: \"i in range(3)\", call: \"{c}\"}}"));
                    }
                }
                if items.is_empty() {
                    return;
                }
                let rex = self.rng.chance(40);
                let r = self.name("g");
                self.line(ind, "- try:");
                self.line(ind + 2, "- gather:");
                for it in &items {
                    let quoted = if it.starts_with('{') { it.clone() } else { format!("'{it}'") };
                    self.line(ind + 5, &format!("- {quoted}"));
                }
                self.line(ind + 3, &format!("as: {r}"));
                if rex {
                    self.line(ind + 3, "return_exceptions: true");
                }
                self.line(ind + 2, &format!("- print: \"{} gathered {{{r}}}\"", self.label.clone()));
                self.handler(
                    ind,
                    "except",
                    "[ValueError, RuntimeError, AssertionError]",
                    "e",
                    &format!("- print: \"{} gather failed: {{e!r}}\"", self.label.clone()),
                );
            }
            11 if nested => {
                self.line(ind, "- try:");
                self.line(ind + 2, "- task_group:");
                self.in_group += 1;
                // A group bound with `as:` is a value: tg.create_task(...).
                let tg = self.rng.chance(50).then(|| self.name("tg"));
                let k = 1 + self.rng.below(4);
                for _ in 0..k {
                    if let Some(c) = self.callee() {
                        match &tg {
                            Some(g) if self.rng.chance(30) => {
                                self.line(ind + 5, &format!("- do: \"{g}.create_task({c}, name='{g}-c')\""));
                            }
                            Some(g) if self.rng.chance(40) => {
                                let h = self.name("h");
                                self.line(ind + 5, &format!("- let: {{{h}: \"{g}.create_task({c})\"}}"));
                                self.say(ind + 5, &format!("{{{g}!r}} made {{{h}.get_name()}}"));
                            }
                            _ => self.line(ind + 5, &format!("- spawn: '{c}'")),
                        }
                    }
                }
                if self.rng.chance(40) {
                    self.steps(ind + 5, 2);
                }
                if let Some(g) = &tg {
                    self.line(ind + 3, &format!("as: {g}"));
                }
                self.in_group -= 1;
                self.say(ind + 2, "group done");
                let m = *self.rng.pick(&["Exception", "Exception", "ValueError", "[AppError, OSError]", "KeyError"]);
                self.handler(
                    ind,
                    "except_star",
                    m,
                    "eg",
                    &format!("- print: \"{} group failed: {{eg.exceptions}}\"", self.label.clone()),
                );
                // What a handler raises goes into the group except* raises on.
                match self.rng.below(20) {
                    0..=2 => self.line(ind + 4, "- raise:"),
                    3 => self.line(ind + 4, "- raise: eg"),
                    4 => self.line(ind + 4, "- raise: RetryError(f\"retry {len(eg.exceptions)}\")"),
                    5..=9 => self.line(ind + 4, "- set: {last_error: eg}"),
                    _ => {}
                }
            }
            12 | 13 if nested => {
                let p = *self.rng.pick(&["lock", "sem", "sem", "bsem"]);
                self.line(ind, &format!("- with: {p}"));
                self.line(ind + 1, "do:");
                self.say(ind + 2, &format!("holds {p}"));
                self.steps(ind + 2, 2);
                self.say(ind + 2, &format!("releases {p}"));
            }
            14 => {
                let ev = *self.rng.pick(&["ev", "ev2"]);
                match self.rng.below(4) {
                    0 | 1 => {
                        self.line(ind, &format!("- await: {ev}.wait()"));
                        self.say(ind, &format!("saw {ev}"));
                    }
                    2 => {
                        self.line(ind, &format!("- do: {ev}.set()"));
                        self.say(ind, &format!("set {ev}"));
                    }
                    _ => self.line(ind, &format!("- do: {ev}.clear()")),
                }
            }
            15 => {
                self.line(ind, "- set: {counter: counter + 1}");
                if self.rng.chance(30) {
                    self.line(ind, "- do: log.append(counter)");
                }
            }
            16 if self.me < self.coros => {
                let cond = *self.rng.pick(&["n % 3 == 0", "n > 2", "counter % 2 == 1", "True", "n == 1"]);
                let exc = *self.rng.pick(&[
                    "ValueError",
                    "RuntimeError",
                    "ValueError",
                    "ConnectionResetError",
                    "PermissionError",
                    "AppError",
                    "RetryError",
                    "Gone",
                ]);
                self.line(ind, &format!("- if: {cond}"));
                self.line(ind + 1, "then:");
                self.line(ind + 2, &format!("- raise: {exc}(f\"{} failed with n={{n}}\")", self.label.clone()));
            }
            17 if nested => {
                self.line(ind, "- try:");
                self.steps(ind + 2, 3);
                if self.rng.chance(60) {
                    self.line(ind + 1, "except:");
                    let m = *self.rng.pick(&[
                        "ValueError",
                        "Exception",
                        "CancelledError",
                        "[ValueError, KeyError]",
                        "OSError",
                        "ConnectionError",
                        "AppError",
                        "RetryError",
                        "[Gone, OSError]",
                    ]);
                    self.line(ind + 2, &format!("- match: {m}"));
                    self.line(ind + 3, "as: e");
                    self.line(ind + 3, "do:");
                    self.line(ind + 4, &format!("- print: \"{} caught {{e!r}}\"", self.label.clone()));
                    if self.rng.chance(30) {
                        self.line(
                            ind + 4,
                            "- print: \"{type(e).__name__} {isinstance(e, (OSError, LookupError))} {isinstance(e, Exception)} {isinstance(e, AppError)} {e.args} {e.__cause__!r} {e.__context__!r}\"",
                        );
                    }
                    if self.rng.chance(25) {
                        // Raised again at the end of main: its traceback and
                        // chain as they are by then.
                        self.line(ind + 4, "- set: {last_error: e}");
                    }
                    if m == "CancelledError" || self.rng.chance(20) {
                        self.line(ind + 4, "- raise:");
                    } else if self.rng.chance(10) {
                        let how = *self.rng.pick(&["from e", "from None", ""]);
                        self.line(ind + 4, &format!("- raise: AppError(f\"wrapped {{e!r}}\") {how}"));
                    }
                    if self.rng.chance(30) {
                        self.line(ind + 1, "else:");
                        self.say(ind + 2, "no error");
                    }
                }
                self.line(ind + 1, "finally:");
                self.say(ind + 2, "finally");
                if self.rng.chance(30) {
                    self.line(ind + 2, "- sleep: 0.5");
                    self.say(ind + 2, "finally slept");
                }
            }
            18 if nested => {
                let v = self.name("i");
                let k = 1 + self.rng.below(3);
                self.line(ind, &format!("- for: {v} in range({k})"));
                self.line(ind + 1, "do:");
                self.say(ind + 2, &format!("loop {{{v}}}"));
                self.loops += 1;
                self.steps(ind + 2, 2);
                self.loops -= 1;
                if self.rng.chance(30) {
                    self.line(ind + 1, "else:");
                    self.say(ind + 2, &format!("loop ran out at {{{v}}}"));
                }
            }
            19 if nested => {
                let v = self.name("k");
                self.line(ind, &format!("- let: {{{v}: 0}}"));
                self.line(ind, &format!("- while: {v} < 2"));
                self.line(ind + 1, "do:");
                self.line(ind + 2, &format!("- let: {{{v}: {v} + 1}}"));
                self.line(ind + 2, "- sleep: 0");
                if self.rng.chance(30) {
                    let word = *self.rng.pick(&["break", "continue"]);
                    self.line(ind + 2, &format!("- if: {v} == 1"));
                    self.line(ind + 3, "then:");
                    self.line(ind + 4, &format!("- {word}"));
                }
                self.say(ind + 2, &format!("spin {{{v}}}"));
                if self.rng.chance(30) {
                    self.line(ind + 1, "else:");
                    self.say(ind + 2, &format!("spun out at {{{v}}}"));
                }
            }
            20 if self.rng.chance(50) => {
                // An if / elif / else chain; in a loop, branches may leave it.
                let leave = |g: &mut Gen| if g.loops > 0 { *g.rng.pick(&["break", "continue", ""]) } else { "" };
                self.line(ind, "- if: counter % 3 == 0");
                self.line(ind + 1, "then:");
                self.say(ind + 2, "branch 0");
                let w = leave(self);
                if !w.is_empty() {
                    self.line(ind + 2, &format!("- {w}"));
                }
                self.line(ind + 1, "elif:");
                for (k, cond) in ["counter % 3 == 1", "counter > 4"].iter().enumerate().take(1 + self.rng.below(2)) {
                    self.line(ind + 2, &format!("- if: {cond}"));
                    self.line(ind + 3, "then:");
                    self.say(ind + 4, &format!("branch {}", k + 1));
                    let w = leave(self);
                    if !w.is_empty() {
                        self.line(ind + 4, &format!("- {w}"));
                    }
                }
                if self.rng.chance(60) {
                    self.line(ind + 1, "else:");
                    self.say(ind + 2, "branch else");
                }
            }
            20 => {
                if self.rng.chance(85) {
                    self.line(ind, "- assert: counter >= 0");
                } else {
                    self.line(ind, "- assert: counter < 2");
                    self.line(ind + 1, "message: \"counter is {counter}\"");
                }
            }
            21 if self.me < self.coros && self.rng.chance(40) => {
                self.line(ind, "- if: n == 2");
                self.line(ind + 1, "then:");
                self.line(ind + 2, "- return: n * 100");
            }
            22 => {
                let p = *self.rng.pick(&["lock", "sem"]);
                self.line(ind, &format!("- await: {p}.acquire()"));
                self.say(ind, &format!("acquired {p} locked={{{p}.locked()}}"));
                self.line(ind, "- try:");
                self.steps(ind + 2, 2);
                self.line(ind + 1, "finally:");
                self.line(ind + 2, &format!("- do: {p}.release()"));
            }
            23 if nested && self.rng.chance(15) => {
                // A crowd: many sleepers in a group that fails, so most timers
                // in the heap get cancelled and asyncio rebuilds the heap.
                let k = 60 + self.rng.below(90);
                let fail_at = *self.rng.pick(&["1", "0.5", "2"]);
                self.line(ind, "- try:");
                self.line(ind + 2, "- task_group:");
                self.line(ind + 5, &format!("- for: i in range({k})"));
                self.line(ind + 6, "do:");
                self.line(ind + 7, "- spawn: crowd(i)");
                self.line(ind + 5, &format!("- spawn: boom({fail_at})"));
                self.line(ind + 1, "except_star:");
                self.line(ind + 2, "- match: ValueError");
                self.line(ind + 3, "do:");
                self.line(ind + 4, &format!("- print: \"{} crowd failed\"", self.label.clone()));
            }
            24 | 27 if !self.handles.is_empty() => {
                let t = self.handles[self.rng.below(self.handles.len())].clone();
                if self.rng.chance(30) {
                    self.line(ind, &format!("- do: {t}.cancel(\"stop {t}\")"));
                } else {
                    self.line(ind, &format!("- do: {t}.cancel()"));
                }
                self.line(
                    ind,
                    &format!(
                        "- print: \"{} cancelled {t}: cancelling={{{t}.cancelling()}} done={{{t}.done()}}\"",
                        self.label.clone()
                    ),
                );
            }
            25 | 26 | 28 if nested => {
                let limit = *self.rng.pick(&["0", "0.5", "1", "1", "2", "0.1 + 0.2", "None"]);
                self.line(ind, "- try:");
                self.line(ind + 2, &format!("- timeout: {limit}"));
                self.line(ind + 3, "do:");
                self.say(ind + 4, &format!("in timeout {limit}"));
                self.steps(ind + 4, 3);
                self.line(ind + 1, "except:");
                self.line(ind + 2, "- match: TimeoutError");
                self.line(ind + 3, "do:");
                self.line(ind + 4, &format!("- print: \"{} timed out after {limit}\"", self.label.clone()));
            }
            29 | 30 => {
                let prim = *self.rng.pick(&[
                    "",
                    "",
                    "",
                    "ev.wait()",
                    "jobs.get()",
                    "lock.acquire()",
                    "asyncio.sleep(0.7, result=7)",
                ]);
                let target = if prim.is_empty() { self.callee() } else { Some(prim.to_owned()) };
                if let Some(c) = target {
                    let limit = *self.rng.pick(&["0", "0.5", "1", "1", "2", "None", "0.3", "500ms", "\"1.5s\""]);
                    let r = self.name("w");
                    self.line(ind, "- try:");
                    self.line(ind + 2, &format!("- wait_for: '{c}'"));
                    self.line(ind + 3, &format!("timeout: {limit}"));
                    self.line(ind + 3, &format!("as: {r}"));
                    self.line(ind + 2, &format!("- print: \"{} wait_for got {{{r}}}\"", self.label.clone()));
                    self.handler(
                        ind,
                        "except",
                        "[TimeoutError, ValueError, RuntimeError]",
                        "e",
                        &format!("- print: \"{} wait_for failed {{e!r}}\"", self.label.clone()),
                    );
                }
            }
            31 if !self.handles.is_empty() => {
                let t = self.handles[self.rng.below(self.handles.len())].clone();
                let r = self.name("s");
                self.line(ind, "- try:");
                self.line(ind + 2, &format!("- await: shield({t})"));
                self.line(ind + 3, &format!("as: {r}"));
                self.line(ind + 2, &format!("- print: \"{} shielded {t} gave {{{r}}}\"", self.label.clone()));
                self.handler(
                    ind,
                    "except",
                    "Exception",
                    "e",
                    &format!("- print: \"{} shielded {t} failed {{e!r}}\"", self.label.clone()),
                );
            }
            32 | 33 => match self.rng.below(5) {
                0 | 1 => {
                    let v = *self.rng.pick(&["n", "counter", "7"]);
                    let v = if self.me == self.coros && v == "n" { "3" } else { v };
                    self.line(ind, &format!("- await: jobs.put({v})"));
                    self.say(ind, &format!("put {{{v}}} size={{jobs.qsize()}}"));
                }
                2 => {
                    let r = self.name("j");
                    self.line(ind, "- await: jobs.get()");
                    self.line(ind + 1, &format!("as: {r}"));
                    self.say(ind, &format!("took {{{r}}}"));
                    if self.rng.chance(70) {
                        self.line(ind, "- do: jobs.task_done()");
                    }
                }
                3 => {
                    self.line(ind, "- try:");
                    self.line(ind + 2, "- do: jobs.put_nowait(counter)");
                    self.line(ind + 2, "- print: \"put_nowait ok, full={jobs.full()}\"");
                    self.handler(ind, "except", "[QueueFull, ValueError]", "e", "- print: \"queue refused: {e!r}\"");
                }
                _ if self.rng.chance(15) => {
                    // Queue.shutdown (3.13+; an AttributeError before).
                    let how = *self.rng.pick(&["", "immediate=True"]);
                    self.line(ind, "- try:");
                    self.line(ind + 2, &format!("- do: jobs.shutdown({how})"));
                    self.say(ind + 2, "shut jobs down");
                    self.handler(ind, "except", "AttributeError", "e", "- print: \"no shutdown: {e}\"");
                }
                _ => {
                    self.line(ind, "- try:");
                    self.line(ind + 2, "- await: jobs.join()");
                    self.say(ind + 2, "joined jobs");
                    self.line(ind + 2, "- do: jobs.task_done()");
                    self.handler(ind, "except", "ValueError", "e", "- print: \"task_done refused: {e}\"");
                }
            },
            36 | 37 if nested => {
                self.line(ind, "- with: cv");
                self.line(ind + 1, "do:");
                if self.rng.chance(50) {
                    let k = self.rng.below(3) + 1;
                    self.line(ind + 2, &format!("- await: cv.wait_for(counter >= {k})"));
                    self.line(ind + 3, "as: okc");
                    self.say(ind + 2, &format!("saw counter >= {k}"));
                } else {
                    self.line(ind + 2, "- set: {counter: counter + 1}");
                    let how = *self.rng.pick(&["notify()", "notify_all()", "notify(2)"]);
                    self.line(ind + 2, &format!("- do: cv.{how}"));
                    self.say(ind + 2, &format!("did {how}"));
                    if self.rng.chance(30) {
                        self.line(ind + 2, "- sleep: 0.5");
                    }
                }
            }
            38 => {
                if self.rng.chance(85) {
                    let r = self.name("b");
                    self.line(ind, "- try:");
                    self.line(ind + 2, "- await: gate.wait()");
                    self.line(ind + 3, &format!("as: {r}"));
                    self.line(ind + 2, &format!("- print: \"{} passed the gate as {{{r}}}\"", self.label.clone()));
                    self.handler(
                        ind,
                        "except",
                        "BrokenBarrierError",
                        "e",
                        &format!("- print: \"{} gate broken {{e!r}}\"", self.label.clone()),
                    );
                } else {
                    self.line(ind, "- await: gate.abort()");
                    self.say(ind, "aborted the gate");
                }
            }
            39 if !self.handles.is_empty() && nested => {
                let hs = self.handles.clone();
                let when = *self.rng.pick(&["FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED"]);
                self.line(ind, "- wait:");
                for h in &hs {
                    self.line(ind + 3, &format!("- {h}"));
                }
                self.line(ind + 1, &format!("return_when: {when}"));
                if self.rng.chance(40) {
                    let t = *self.rng.pick(&["0.5", "1", "0", "250ms"]);
                    self.line(ind + 1, &format!("timeout: {t}"));
                }
                self.line(ind + 1, "as: wd, wp");
                self.say(ind, &format!("wait {when}: {{len(wd)}} done {{len(wp)}} pending"));
            }
            40 if nested => {
                let mut items = Vec::new();
                for _ in 0..1 + self.rng.below(3) {
                    if self.rng.chance(30) && !self.handles.is_empty() {
                        items.push(self.handles.remove(0));
                    } else if let Some(c) = self.callee() {
                        items.push(c);
                    }
                }
                if items.is_empty() {
                    return;
                }
                let timeout = if self.rng.chance(30) { ", timeout=1" } else { "" };
                let r = self.name("ac");
                self.line(ind, "- try:");
                self.line(ind + 2, &format!("- for: {r} in as_completed([{}]{timeout})", items.join(", ")));
                self.line(ind + 3, "do:");
                self.line(ind + 4, &format!("- print: \"{} as_completed gave {{{r}}}\"", self.label.clone()));
                self.handler(
                    ind,
                    "except",
                    "[TimeoutError, ValueError, RuntimeError, AssertionError]",
                    "e",
                    &format!("- print: \"{} as_completed raised {{e!r}}\"", self.label.clone()),
                );
            }
            41 => self.assignment(ind),
            42 | 43 => self.function_call(ind),
            _ => {
                self.say(ind, "tick");
            }
        }
    }

    /// A call of one of the plain functions (`functions:`), in an
    /// expression: for its value, a shared variable it sets, what it
    /// prints, blocks or raises, a task it creates.
    fn function_call(&mut self, ind: usize) {
        let n = if self.me == self.coros { "7" } else { "n" };
        let label = self.label.clone();
        match self.rng.below(7) {
            6 => {
                // A shared set: its order is CPython's.
                let item = *self.rng.pick(&["n % 5", "n * 8", "'k' + str(n % 3)", "(n, 'x')", "-n"]);
                let item = if self.me == self.coros { item.replace('n', "7") } else { item.to_owned() };
                let verb = *self.rng.pick(&["add", "add", "discard"]);
                self.line(ind, &format!("- do: \"seen.{verb}({item})\""));
                self.line(ind, &format!("- print: \"{label} seen {{seen}} {{len(seen & {{0, 8, 16}})}}\""));
            }
            0 => {
                let v = self.name("f");
                let k = self.rng.below(4);
                self.line(ind, &format!("- let: {{{v}: \"score({n} % 7, k={k})\"}}"));
                self.line(ind, &format!("- print: \"{label} score {{{v}}} c={{counter}}\""));
            }
            1 => {
                let k = self.rng.below(6);
                self.line(ind, &format!("- print: \"{label} checked {{check({n} + {k})}}\""));
            }
            2 => self.line(ind, &format!("- print: \"{label} keyed {{sorted([5, 3, 9, 1], key=score)}}\"")),
            3 => {
                let k = self.rng.below(3);
                self.line(ind, &format!("- print: \"{label} stalled {{stall(0.{k})}}\""));
            }
            4 if self.me == self.coros => {
                let h = self.name("ft");
                let k = self.rng.below(4);
                self.line(ind, &format!("- let: {{{h}: spawner({k})}}"));
                self.handles.push(h);
            }
            _ => {
                let v = self.name("f");
                self.line(ind, "- try:");
                self.line(ind + 2, &format!("- let: {{{v}: \"[check(x) for x in range({n} % 3, 9, 2)]\"}}"));
                self.line(ind + 2, &format!("- print: \"{label} all checked {{{v}}}\""));
                self.handler(
                    ind,
                    "except",
                    "AppError",
                    "e",
                    &format!("- print: \"{label} check failed {{e!r}} ctx={{e.__context__!r}}\""),
                );
            }
        }
    }

    /// One of Python's assignment forms, on locals, the shared `tally`
    /// dict and the shared `log` list, then a print of what it did.
    fn assignment(&mut self, ind: usize) {
        let v = self.name("a");
        let w = self.name("b");
        let forms: [&Form; 15] = [
            &|v, w| {
                vec![
                    format!("- let: {v}, {w} = divmod(counter + 7, 3)"),
                    format!("- print: \"{v}={{{v}}} {w}={{{w}}}\""),
                ]
            },
            &|_, _| vec!["- let: tally['a'] += counter + 1".into()],
            &|_, _| vec!["- set: log += (counter, 'x')".into()],
            &|_, _| vec!["- let: log[-1:] = [counter, counter * 2]".into()],
            &|_, _| vec!["- del: log[:1]".into()],
            &|v, w| vec![format!("- let: {v}, *{w} = log + [1, 2]"), format!("- print: \"{v}={{{v}}} {w}={{{w}}}\"")],
            &|v, w| {
                vec![
                    format!("- let: {v} = {w} = [counter]"),
                    format!("- let: {v}[0] *= 3"),
                    format!("- let: {w} *= 2"),
                    format!("- print: \"{v}={{{v}}} {w}={{{w}}}\""),
                ]
            },
            &|_, _| vec!["- let:".into(), "    tally[f'k{counter % 3}']: counter".into()],
            &|_, _| {
                vec![
                    "- try:".into(),
                    "    - del: tally['k1'], log[0]".into(),
                    "  except:".into(),
                    "    - match: [KeyError, IndexError]".into(),
                    "      as: e".into(),
                    "      do:".into(),
                    "        - print: \"del failed {e!r}\"".into(),
                ]
            },
            // Comprehensions, generator expressions and lambdas (a closure
            // sees a later assignment).
            &|v, w| {
                vec![
                    format!("- let: \"{v} = [x * 2 for x in range(counter % 4 + 1) if x != 1]\""),
                    format!("- let: \"{w} = {{k: len(str(k)) for k in {v}}}\""),
                    "- do: \"tally.setdefault('s', []).append(counter)\"".to_owned(),
                    "- do: \"tally.update([('u', counter)])\"".to_owned(),
                    format!(
                        "- print: \"{v}={{{v}}} {w}={{{w}}} s={{sum(x for x in {v})}} a={{any(x > 3 for x in {v})}}\""
                    ),
                ]
            },
            &|v, w| {
                vec![
                    format!("- let: \"{w} = 10\""),
                    format!("- let: \"{v} = lambda x, k=1: x * k + {w}\""),
                    format!("- let: \"{w} = counter\""),
                    format!(
                        "- print: \"{v}={{{v}(2)}},{{{v}(2, 3)}} {{sorted(log, key=lambda e: str(e), reverse=True)}} {{list(zip(log, reversed(log)))[:2]}} {{sum(tally.values(), 1)}}\""
                    ),
                ]
            },
            &|v, _| {
                vec![
                    format!("- let: \"{v} = [(i, j) for i in range(3) for j in range(i) if (i + j + counter) % 2]\""),
                    format!("- print: \"{v}={{{v}}} max={{max({v}, key=lambda p: p[1], default=None)}} min={{min((i for i, _ in {v}), default=-1)}}\""),
                ]
            },
            &|v, _| {
                vec![
                    format!("- let: \"{v} = [lambda: i for i in range(3)]\""),
                    format!("- print: \"late={{[f() for f in {v}]}} all={{all(str(x) for x in log)}}\""),
                ]
            },
            &|v, w| {
                vec![
                    format!("- let: \"[{v}, ({w}, _)] = [counter, ('p', 'q')]\""),
                    format!("- set: counter -= {v} - 1"),
                    format!("- print: \"{v}={{{v}}} {w}={{{w}}}\""),
                ]
            },
            // The seeded `random` module, a jittered sleep included.
            &|v, _| {
                vec![
                    format!("- let: \"{v} = random.randint(1, 6) + random.randrange(0, 10, 3)\""),
                    "- sleep: random.uniform(0.01, 0.3)".to_owned(),
                    "- do: random.shuffle(log)".to_owned(),
                    format!(
                        "- print: \"{v}={{{v}}} r={{random.random():.6f}} c={{random.choice('abc')}} s={{random.sample(range(10), 3)}} g={{random.gauss(1, 0.5)}} w={{random.choices(['x', 'y'], [1, 3], k=2)}}\""
                    ),
                ]
            },
        ];
        let k = self.rng.below(forms.len());
        for l in forms[k](&v, &w) {
            self.line(ind, &l);
        }
        self.say(ind, "tally={tally} log={log}");
    }
}

/// Lines of one generated assignment, from two fresh names.
type Form = dyn Fn(&str, &str) -> Vec<String>;

/// The scenario for one seed.
pub(crate) fn scenario(seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let coros = 1 + rng.below(4);
    let sem = 1 + rng.below(3);
    let mut g = Gen {
        rng,
        out: String::new(),
        coros,
        budget: 0,
        fresh: 0,
        me: 0,
        handles: Vec::new(),
        in_group: 0,
        loops: 0,
        label: String::new(),
    };
    g.line(0, &format!("name: gen_{seed}"));
    g.line(0, &format!("seed: {}", seed % 1000));
    // Silencing `asim check` (which changes nothing of a run), chosen by
    // the seed, not the generator's random stream.
    if seed % 4 == 0 {
        g.line(0, "allow: [fire-and-forget, never-awaited]");
    }
    g.line(0, "exceptions:");
    g.line(1, "AppError: Exception");
    g.line(1, "RetryError: AppError");
    g.line(1, "Gone: KeyError");
    g.line(0, "vars:");
    g.line(1, "counter: 0");
    g.line(1, "log: []");
    g.line(1, "tally: \"{'a': 0}\"");
    g.line(1, "last_error: None");
    g.line(1, "seen: set()");
    // Primitives made in code (module-level variables), or declared.
    let made = g.rng.chance(50);
    if made {
        g.line(1, "lock: asyncio.Lock()");
        g.line(1, "ev2: asyncio.Event()");
    }
    g.line(0, "sync:");
    if !made {
        g.line(1, "lock: Lock()");
    }
    g.line(1, &format!("sem: Semaphore({sem})"));
    g.line(1, "bsem: BoundedSemaphore(2)");
    g.line(1, "ev: Event()");
    if !made {
        g.line(1, "ev2: Event()");
    }
    let parties = 1 + g.rng.below(3);
    g.line(1, &format!("gate: Barrier({parties})"));
    let cv = if g.rng.chance(50) { "cv: Condition(lock)" } else { "cv: Condition()" };
    g.line(1, cv);
    let qsize = *g.rng.pick(&["", "1", "2", "maxsize=3"]);
    let qkind = *g.rng.pick(&["Queue", "Queue", "LifoQueue", "PriorityQueue"]);
    g.line(1, &format!("jobs: {qkind}({qsize})"));
    g.line(0, "functions:");
    g.line(1, "score(x, k=2):");
    g.line(2, "- set: \"counter += 1\"");
    g.line(2, "- if: x % 3 == 0");
    g.line(3, "then:");
    g.line(4, "- return: x * k");
    g.line(2, "- for: i in range(x % 4)");
    g.line(3, "do:");
    g.line(4, "- let: \"k += i\"");
    g.line(2, "- return: k");
    g.line(1, "check(x):");
    g.line(2, "- if: x > 6");
    g.line(3, "then:");
    g.line(4, "- try:");
    g.line(6, "- raise: KeyError(x)");
    g.line(5, "except:");
    g.line(6, "- match: KeyError");
    g.line(7, "do:");
    g.line(8, "- raise: AppError(f\"too big {x}\")");
    g.line(2, "- return: x");
    g.line(1, "stall(d):");
    g.line(2, "- block: d");
    g.line(2, "- return: d * 2");
    g.line(1, "spawner(k):");
    g.line(2, "- return: asyncio.create_task(c0(k))");
    g.line(0, "coroutines:");
    g.line(1, "crowd(i):");
    g.line(2, "- try:");
    g.line(4, "- sleep: 5 + i % 4");
    g.line(3, "finally:");
    g.line(4, "- sleep: 0.5");
    g.line(4, "- if: i % 9 == 0");
    g.line(5, "then:");
    g.line(6, "- print: \"crowd {i} cleaned up\"");
    g.line(1, "boom(d):");
    g.line(2, "- sleep: d");
    g.line(2, "- raise: ValueError(\"boom\")");
    g.line(1, "pulse():");
    g.line(2, "- sleep: 1.5");
    g.line(2, "- do: ev.set()");
    g.line(2, "- print: \"pulse set ev\"");
    g.line(2, "- sleep: 1");
    g.line(2, "- do: ev2.set()");
    g.line(2, "- print: \"pulse set ev2\"");
    for k in 0..coros {
        g.me = k;
        g.handles.clear();
        g.budget = 3 + g.rng.below(6);
        g.label = format!("c{k}[{{n}}]");
        g.line(1, &format!("c{k}(n):"));
        g.say(2, "start");
        g.steps(2, 5);
        g.line(2, &format!("- return: n + {k}"));
    }
    g.me = coros;
    g.handles.clear();
    g.budget = 6 + g.rng.below(8);
    g.label = "main".to_owned();
    g.line(0, "main:");
    g.say(1, "start");
    if g.rng.chance(75) {
        g.line(1, "- spawn: pulse()");
    }
    g.steps(1, 8);
    if g.rng.chance(50) {
        // Leave the handles running: asyncio.run cancels them at shutdown.
        let hs = std::mem::take(&mut g.handles);
        for h in hs {
            g.line(1, &format!("- print: \"main: {h} done={{{h}.done()}}\""));
        }
    }
    g.say(1, "end log={log}");
    if g.rng.chance(30) {
        g.line(1, "- if: last_error is not None");
        g.line(2, "then:");
        g.line(3, "- raise: last_error");
    }
    g.out
}
