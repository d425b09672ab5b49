//! `asyncio.run(main())`: declare the program's globals and primitives,
//! run main until complete, cancel what is left, run the two shutdown
//! tasks, and say how the run ended.

use super::*;

impl Vm<'_> {
    /// Declares the shared variables and primitives; a failure is located
    /// at the declaration, as Python's traceback shows `<module>`.
    pub(super) fn initialise(&mut self) -> Result<(), Exc> {
        let prog = self.prog;
        // The values that name the declared primitives, made once and shared
        // by every use (a variable or a primitive's argument may name one).
        self.prim_values = (prog.prims.iter().enumerate())
            .map(|(i, p)| {
                let (id, kind, name) = (i as u32, p.kind, p.name.as_str().into());
                Value::Prim(Rc::new(crate::value::PrimRef { id, kind, name }))
            })
            .collect();
        // The declared primitives' places come first: a variable's initial
        // value may make a primitive of its own (`asyncio.Lock()`), which
        // goes after them.
        for p in &prog.prims {
            self.prims.push(Prim::Lock { locked: false, waiters: VecDeque::new(), holder: None });
            self.prim_names.push(p.name.as_str().into());
        }
        for (i, init, at) in &prog.global_init {
            self.module_at = Some(*at);
            let v = self.eval_global(init)?;
            self.globals[*i as usize] = v;
        }
        let mut own_locks = Vec::new();
        let mut barriers = Vec::new();
        for (i, p) in prog.prims.iter().enumerate() {
            self.module_at = Some(p.at);
            let arg = self.eval_global(&p.arg)?;
            if p.kind == crate::value::PrimKind::Condition {
                // Condition(lock=None): the given Lock, or a new one of its own.
                let lock = match &arg {
                    Value::Prim(l) if l.kind == crate::value::PrimKind::Lock => l.id,
                    Value::None => {
                        own_locks.push(i);
                        u32::MAX
                    }
                    other => {
                        return Err(ops_type_error(format!(
                            "asim's Condition() takes a Lock, not {}",
                            other.type_name()
                        )))
                    }
                };
                self.prims[i] = Prim::Cond { lock, waiters: VecDeque::new() };
            } else if p.kind == crate::value::PrimKind::Barrier {
                let parties = match &arg {
                    Value::Int(n) => *n,
                    other => {
                        return Err(ops_type_error(format!(
                            "'<' not supported between instances of '{}' and 'int'",
                            other.type_name()
                        )))
                    }
                };
                if parties < 1 {
                    return Err(crate::value::messages::barrier_parties());
                }
                barriers.push(i);
                let state = crate::compile::barrier_state::FILLING;
                self.prims[i] = Prim::Barrier { parties, state, count: 0, cond: u32::MAX };
            } else {
                self.prims[i] = prims::construct(p.kind, &arg)?;
            }
        }
        // A Barrier's Condition (named after the barrier), whose lock is its own.
        for &i in &barriers {
            let cond = self.prims.len() as u32;
            self.prims.push(Prim::Cond { lock: u32::MAX, waiters: VecDeque::new() });
            self.prim_names.push(prog.prims[i].name.as_str().into());
            own_locks.push(cond as usize);
            if let Prim::Barrier { cond: c, .. } = &mut self.prims[i] {
                *c = cond;
            }
        }
        for i in own_locks {
            let id = self.prims.len() as u32;
            self.prims.push(Prim::Lock { locked: false, waiters: VecDeque::new(), holder: None });
            let owner = self.prim_names[i].clone();
            self.prim_names.push(format!("{owner}'s lock").into());
            self.prim_alias.insert(id, Some(i as u32));
            if let Prim::Cond { lock, .. } = &mut self.prims[i] {
                *lock = id;
            }
        }
        // Each queue's `_finished` Event (initially set), after the declared ones.
        for i in 0..prog.prims.len() {
            if let Prim::Queue(_) = &self.prims[i] {
                let fin = self.prims.len() as u32;
                self.prims.push(Prim::Event { flag: true, waiters: VecDeque::new() });
                self.prim_names.push(format!("{}.join()", prog.prims[i].name).into());
                if let Prim::Queue(q) = &mut self.prims[i] {
                    q.finished = fin;
                }
            }
        }
        for c in &prog.coros {
            let mut d = Vec::new();
            for e in &c.defaults {
                d.push(match e {
                    Some(e) => Some(self.eval_global(e)?),
                    None => None,
                });
            }
            self.defaults.push(d);
        }
        Ok(())
    }

    /// `run_until_complete(fut)`.
    pub(super) fn run_until_complete(&mut self, fut: FutId) -> Result<(), Stop> {
        self.add_done_callback(fut, Callback::RunUntilComplete);
        self.run_forever()
    }

    /// `asyncio.run(main())`, then `Runner.close()`.
    pub(crate) fn run(mut self) -> RunEnd {
        // Nothing freed by an earlier run on this thread belongs to this one.
        let _ = crate::value::take_dropped();
        crate::value::hash::set_hash_seed(self.limits.hash_seed);
        // What code without the runtime at hand words by release.
        crate::version::set_current(self.py);
        if let Err(e) = self.initialise() {
            return self.finish(Some(Err(e)), None);
        }
        self.module_at = None;
        let main = match self.create_task(self.prog.main, Vec::new(), false) {
            Ok(t) => t,
            Err(e) => return self.finish(Some(Err(e)), None),
        };
        // Runner.run holds the main task (and retrieves its result).
        self.tasks[main as usize].referenced = true;
        let main_fut = self.tasks[main as usize].fut;
        let result = match self.run_until_complete(main_fut) {
            // run_until_complete returns future.result(): main's outcome is retrieved.
            Ok(()) => self.fut_outcome(main_fut),
            // A KeyboardInterrupt or SystemExit out of the loop: `finally:
            // future.remove_done_callback(...)`, then Runner.close() as usual.
            Err(Stop::Interrupt(e)) => {
                self.remove_done_callback(main_fut, Callback::RunUntilComplete);
                self.stopping = false;
                Err(e)
            }
            Err(stop) => return self.finish(None, Some(stop)),
        };
        // `with Runner() as runner:` — Runner.close() runs in `__exit__`,
        // while main's exception (if it failed) is being handled.
        if let Err(e) = &result {
            self.handling_outside = Some(e.clone());
        }
        // Runner.close(): _cancel_all_tasks, shutdown_asyncgens, shutdown_default_executor.
        // Most runs end with every task finished: then there is nothing to scan.
        let mut to_cancel: Vec<TaskId> = if self.finished_tasks == self.tasks.len() {
            Vec::new()
        } else {
            (0..self.tasks.len() as TaskId).filter(|&t| !self.task_done(t)).collect()
        };
        // `all_tasks()` is a set.
        self.set_order(&mut to_cancel, set_order::SetSite::Shutdown, None);
        if !to_cancel.is_empty() {
            for &t in &to_cancel {
                // The `to_cancel` set holds them to the end.
                let f = self.tasks[t as usize].fut;
                self.hold(f, 1);
            }
            let before = self.set_canceller(Canceller::Shutdown);
            for &t in &to_cancel {
                self.task_cancel(t, None);
            }
            self.set_canceller(before);
            let to_cancel_kept = to_cancel.clone();
            let g = self.gather_begin(true);
            for &t in &to_cancel {
                let f = self.tasks[t as usize].fut;
                self.gather_child(g, f, true);
            }
            let outer = self.gather_end(g);
            if let Err(stop) = self.run_until_complete(outer) {
                return self.finish(None, Some(stop));
            }
            // _cancel_all_tasks: a task that ended with an exception is reported.
            for &t in &to_cancel_kept {
                let f = self.tasks[t as usize].fut;
                if let FutState::Exception(..) = &self.futs[f as usize].state {
                    self.retrieve(f);
                    let text =
                        format!("unhandled exception during asyncio.run() shutdown\ntask: {}", self.task_repr(t));
                    self.warn_with_exception(t, &text);
                }
            }
            // Its `to_cancel` set goes (in the set's order, as the harness
            // pins it): a task nothing else refers to is freed, with its
            // exception and what the frames in that one's traceback held.
            for &t in &to_cancel_kept {
                let f = self.tasks[t as usize].fut;
                self.hold(f, -1);
            }
            if crate::value::any_dropped() || !self.unretrieved_pending.is_empty() {
                self.after_handle(None);
            }
        }
        for _ in 0..2 {
            let t = match self.create_task(self.prog.main, Vec::new(), true) {
                Ok(t) => t,
                Err(_) => break,
            };
            let f = self.tasks[t as usize].fut;
            if let Err(stop) = self.run_until_complete(f) {
                return self.finish(None, Some(stop));
            }
        }
        self.close_loop();
        // What is still referenced when the program ends is freed by the
        // interpreter's final garbage collection, whose logging CPython does
        // not reliably show: asim reports nothing more.
        self.finish(Some(result), None)
    }

    /// `BaseEventLoop.close()` clears the ready queue: a task still pending
    /// that only its queued `__step` refers to (it was created during the
    /// shutdown, or yielded with `sleep(0)`, and nothing awaits it) is
    /// freed, and `Task.__del__` logs "Task was destroyed but it is
    /// pending!". A task waiting on a future is kept alive by the cycle
    /// through that future until the final garbage collection: not logged.
    fn close_loop(&mut self) {
        while let Some(r) = self.ready.pop_front() {
            let Ready::Step(t, _) = r else { continue };
            let task = &self.tasks[t as usize];
            let valued = self.has_value_refs(t);
            if self.task_done(t) || task.referenced || task.noop || valued || task.holds > 0 {
                continue;
            }
            if self.futs[task.fut as usize].has_callbacks() {
                continue;
            }
            let text = format!("Task was destroyed but it is pending!\ntask: {}", self.task_repr(t));
            self.record(t, EventKind::Warning(&text, None, 0));
        }
    }

    /// An exception's traceback entries as a view shows them.
    fn frames_of(&self, e: &ExcObj) -> Vec<(String, u32, u32)> {
        use crate::value::exc::FrameName;
        let name = |f: FrameName| match f {
            FrameName::Coro(c) => self.prog.coros[c as usize].name.clone(),
            FrameName::ListComp => "<listcomp>".to_owned(),
            FrameName::DictComp => "<dictcomp>".to_owned(),
            FrameName::SetComp => "<setcomp>".to_owned(),
            FrameName::GenExpr => "<genexpr>".to_owned(),
            FrameName::Lambda => "<lambda>".to_owned(),
            FrameName::Internal => String::new(),
        };
        let tb = e.traceback.borrow();
        tb.iter().rev().filter(|tb| tb.frame != FrameName::Internal).map(|tb| (name(tb.frame), tb.line, 0)).collect()
    }

    /// `e` as Python's traceback report shows it: the exceptions printed
    /// before it and, for a group, its sub-exceptions. `seen` is the report's
    /// one set of exceptions already shown, as in CPython's
    /// `print_exception_recursive`: a cause or context already in it is not
    /// shown again, so a cycle ends.
    pub(super) fn failure(&self, e: &Exc, depth: usize, seen: &mut Vec<*const ExcObj>) -> Failure {
        // The chain, latest first, each with how it leads to the one
        // before it in this list: CPython prints the earliest first.
        let mut links = vec![(e.clone(), None)];
        let mut cur = e.clone();
        loop {
            seen.push(Rc::as_ptr(&cur));
            let next = {
                let c = cur.chain.borrow();
                match (&c.cause, &c.context) {
                    (Some(cause), _) => Some((cause.clone(), Link::Cause)),
                    (None, Some(ctx)) if !c.suppress_context => Some((ctx.clone(), Link::Context)),
                    _ => None,
                }
            };
            match next {
                Some((prev, link)) if !seen.contains(&Rc::as_ptr(&prev)) => {
                    links.push((prev.clone(), Some(link)));
                    cur = prev;
                }
                _ => break,
            }
        }
        let mut shown: Vec<(Failure, Option<Link>)> = Vec::with_capacity(links.len());
        // Sub-exceptions are shown after their group's chain, so they are
        // built in print order: earliest exception first.
        for (x, link) in links.into_iter().rev() {
            shown.push((self.one_failure(&x, depth, seen), link));
        }
        let (mut last, _) = shown.pop().expect("the chain starts with e");
        last.chain = shown.into_iter().map(|(f, link)| (f, link.expect("an earlier exception has a link"))).collect();
        last
    }

    /// One exception of a report, without its chain.
    fn one_failure(&self, e: &Exc, depth: usize, seen: &mut Vec<*const ExcObj>) -> Failure {
        let group = e.class.is_group();
        let exceptions = if group && depth < Failure::MAX_GROUP_DEPTH {
            e.group.iter().map(|x| self.failure(x, depth + 1, seen)).collect()
        } else {
            Vec::new()
        };
        Failure {
            kind: e.name().to_owned(),
            module: if e.user.is_some() { "" } else { e.class.module() },
            message: e.to_str(),
            traceback: self.frames_of(e),
            raised: !e.traceback.borrow().is_empty(),
            chain: Vec::new(),
            exceptions,
            group,
        }
    }

    pub(super) fn finish(mut self, main: Option<Result<Value, Exc>>, mut stop: Option<Stop>) -> RunEnd {
        if let Some(msg) = self.limit_hit.take() {
            // A limit hit where no loop was running yet (the main task itself).
            stop.get_or_insert(Stop::Limit(msg));
        }
        self.note_live();
        let reached = matches!(stop, Some(Stop::At));
        let outcome = match (stop, main) {
            (Some(Stop::Deadlock), _) => Outcome::Deadlock(self.deadlock_report()),
            (Some(Stop::Output), _) => {
                Outcome::Limit(Limit { message: "output could not be written".into(), running: Vec::new(), more: 0 })
            }
            (Some(Stop::Horizon), _) => Outcome::Stopped(self.horizon),
            (Some(Stop::Limit(message)), _) => {
                let (running, more) = self.running_tasks();
                Outcome::Limit(Limit { message, running, more })
            }
            (Some(Stop::Interrupt(e)), _) | (None, Some(Err(e))) if exits_cleanly(&e) => Outcome::Ok,
            (Some(Stop::Interrupt(e)), _) | (None, Some(Err(e))) => {
                let mut failure = self.failure(&e, 0, &mut Vec::new());
                if let Some(at) = self.module_at {
                    failure.traceback = vec![("<module>".to_owned(), self.line_of(at), 0)];
                    failure.raised = true;
                }
                Outcome::Error(failure)
            }
            _ => Outcome::Ok,
        };
        if let Some(slot) = self.at_slot {
            *slot.borrow_mut() = Some(self.snapshot(reached, &outcome));
        }
        let mut end = RunEnd {
            elapsed: self.now,
            outcome,
            tasks: self.tasks.iter().filter(|t| !t.noop).count(),
            events: self.nevents.get(),
            steps: self.steps,
            iterations: self.iterations,
            write_error: self.write_error.get(),
            peak_live: self.peak_live,
            set_choices: std::mem::take(&mut self.set_choices),
            str_hashes: crate::value::hash::salted_used(),
            hashes_vary_by_width: crate::value::hash::wide_used(),
            python: self.py,
            changes: self.changes | crate::version::asked_changes(),
        };
        let tasks = Tasks { tasks: &self.tasks, prog: self.prog };
        if let Err(e) = self.sink.borrow_mut().finish(&end, &tasks) {
            end.write_error.get_or_insert(e.kind());
        }
        end
    }

    /// The first [`Limit::SHOWN`] unfinished tasks and where each one is,
    /// and how many more there are, for a limit report.
    pub(super) fn running_tasks(&self) -> (Vec<(u32, String)>, usize) {
        let mut out = Vec::new();
        let mut more = 0;
        for (i, task) in self.tasks.iter().enumerate() {
            if task.noop || self.task_done(i as u32) {
                continue;
            }
            if out.len() == Limit::SHOWN {
                more += 1;
                continue;
            }
            let place = match task.frames.last() {
                Some(f) if !matches!(task.resume, Resume::Start | Resume::StartReused) => {
                    let code = &self.prog.coros[f.coro as usize];
                    let pc = f.pc().saturating_sub(1).min(code.code.len().saturating_sub(1));
                    match code.code.get(pc) {
                        Some(instr) => format!("{}() at line {}", code.name, self.line_of(instr.span.start)),
                        None => format!("{}()", code.name),
                    }
                }
                _ => "not started yet".to_owned(),
            };
            out.push((i as u32, place));
        }
        (out, more)
    }
}

pub(super) fn ops_type_error(msg: String) -> Exc {
    crate::value::ops::type_error(msg)
}

/// `SystemExit()`, `SystemExit(None)`, `SystemExit(0)`: the program ends
/// with status 0 and no traceback.
fn exits_cleanly(e: &Exc) -> bool {
    e.is(ExcClass::SystemExit) && matches!(e.args.as_slice(), [] | [Value::None] | [Value::Int(0)])
}
