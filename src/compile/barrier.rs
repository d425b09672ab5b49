//! `Barrier.wait`, `reset` and `abort`, compiled from CPython 3.11.7's
//! `locks.py` into asim's own instructions.
//!
//! A Barrier is built on a Condition in CPython, with `async with`,
//! `try`/`finally` and `wait_for` loops; compiling those methods line by
//! line into the same instructions a scenario uses gives the same awaits,
//! in the same order, as the real thing. Only reading and changing the
//! barrier's own state needs instructions of its own.

use super::instr::QueueOp;
use super::instr::*;
use crate::value::{ExcClass, Value};

use super::barrier_state::*;

fn info(f: BarrierField) -> CExpr {
    CExpr::BarrierInfo(Box::new(CExpr::Local(0)), f)
}

fn state_in(states: &[&str]) -> CExpr {
    let tuple = Value::tuple(states.iter().map(|s| Value::str(*s)).collect());
    CExpr::Compare(Box::new(info(BarrierField::State)), vec![(crate::syntax::expr::CmpOp::In, CExpr::Const(tuple))])
}

fn broken(msg: &str) -> Op {
    Op::Raise(Some(CExpr::NewExc(ExcClass::BrokenBarrierError, vec![CExpr::Const(Value::str(msg))])))
}

struct Asm {
    code: Vec<Op>,
}

impl Asm {
    fn emit(&mut self, op: Op) -> usize {
        self.code.push(op);
        self.code.len() - 1
    }

    fn here(&self) -> usize {
        self.code.len()
    }

    fn patch(&mut self, at: usize) {
        let to = self.here();
        match &mut self.code[at] {
            Op::Jump(t) | Op::JumpIfNot(_, t) | Op::PushFinally(t) => *t = to,
            _ => unreachable!("not a jump"),
        }
    }

    /// `await cond.wait_for(lambda: PRED)` (locals: 1 = cond, 3 = result).
    fn wait_for(&mut self, pred: CExpr) {
        self.emit(Op::Assign(vec![(Target::Local(3), pred.clone())]));
        let top = self.here();
        let exit = self.emit(Op::JumpIfNot(CExpr::Not(Box::new(CExpr::Local(3))), 0));
        self.emit(Op::AwaitWait(CExpr::Local(1), None));
        self.emit(Op::Assign(vec![(Target::Local(3), pred)]));
        self.emit(Op::Jump(top));
        self.patch(exit);
    }

    /// `async with self._cond:` around `body`, then `return ret`.
    fn with_cond(mut self, name: &str, body: impl FnOnce(&mut Asm)) -> CoroCode {
        self.emit(Op::Assign(vec![(Target::Local(1), info(BarrierField::Cond))]));
        self.emit(Op::WithEnter(CExpr::Local(1), 4));
        let cleanup = self.emit(Op::PushFinally(0));
        body(&mut self);
        self.emit(Op::PopHandler);
        self.emit(Op::EnterFinally);
        self.patch(cleanup);
        self.emit(Op::WithExit(4));
        self.emit(Op::EndFinally);
        self.emit(Op::Return(None));
        builtin(name, vec![None], &["self", "cond", "index", "result", "with"], self.code)
    }
}

/// `Barrier.wait()`, `Barrier.reset()`, `Barrier.abort()`.
pub(crate) fn coroutines() -> [CoroCode; 3] {
    let wait = Asm { code: Vec::new() }.with_cond("Barrier.wait", |a| {
        // await self._block()
        a.wait_for(CExpr::Not(Box::new(state_in(&[DRAINING, RESETTING]))));
        let ok = a.emit(Op::JumpIfNot(state_in(&[BROKEN]), 0));
        a.emit(broken("Barrier aborted"));
        a.patch(ok);
        // try: index = self._count; self._count += 1; ...
        let fin = a.emit(Op::PushFinally(0));
        a.emit(Op::Assign(vec![(Target::Local(2), info(BarrierField::Count))]));
        a.emit(Op::Barrier(BarrierOp::AddCount(1)));
        let last = CExpr::Compare(
            Box::new(CExpr::Binary(
                crate::syntax::expr::BinOp::Add,
                Box::new(CExpr::Local(2)),
                Box::new(CExpr::Const(Value::Int(1))),
            )),
            vec![(crate::syntax::expr::CmpOp::Eq, info(BarrierField::Parties))],
        );
        let not_last = a.emit(Op::JumpIfNot(last, 0));
        // await self._release()
        a.emit(Op::Barrier(BarrierOp::SetState(DRAINING)));
        a.emit(Op::Do(CExpr::Method(Box::new(CExpr::Local(1)), Method::NotifyAll, Vec::new())));
        let to_ret = a.emit(Op::Jump(0));
        a.patch(not_last);
        // await self._wait()
        a.wait_for(CExpr::Not(Box::new(state_in(&[FILLING]))));
        let ok2 = a.emit(Op::JumpIfNot(state_in(&[BROKEN, RESETTING]), 0));
        a.emit(broken("Abort or reset of barrier"));
        a.patch(ok2);
        a.patch(to_ret);
        a.emit(Op::Return(Some(CExpr::Local(2))));
        // finally: self._count -= 1; self._exit()
        a.patch(fin);
        a.emit(Op::Barrier(BarrierOp::Exit));
        a.emit(Op::EndFinally);
    });
    let reset = Asm { code: Vec::new() }.with_cond("Barrier.reset", |a| {
        a.emit(Op::Barrier(BarrierOp::Reset));
        a.emit(Op::Do(CExpr::Method(Box::new(CExpr::Local(1)), Method::NotifyAll, Vec::new())));
    });
    let abort = Asm { code: Vec::new() }.with_cond("Barrier.abort", |a| {
        a.emit(Op::Barrier(BarrierOp::SetState(BROKEN)));
        a.emit(Op::Do(CExpr::Method(Box::new(CExpr::Local(1)), Method::NotifyAll, Vec::new())));
    });
    [wait, reset, abort]
}

/// The primitive operations that are coroutines in Python (`ev.wait()`,
/// `lock.acquire()`, `q.get()`, `q.put(x)`, `q.join()`), as coroutines of
/// their own, so that one can be made a task (`spawn`, `gather`,
/// `wait_for`, `shield`) or kept in a variable, as in Python. A direct
/// `await` of one does not go through these.
pub(crate) const METHOD_COROUTINES: [&str; 5] = ["acquire", "wait", "get", "put", "join"];

/// The coroutines of [`METHOD_COROUTINES`], in that order.
pub(crate) fn method_coroutines() -> Vec<CoroCode> {
    let result = Some(Target::Local(2));
    let ops: [Vec<Op>; 5] = [
        vec![Op::AwaitAcquire(CExpr::Local(0), result), Op::Return(Some(CExpr::Local(2)))],
        vec![Op::AwaitWait(CExpr::Local(0), result), Op::Return(Some(CExpr::Local(2)))],
        vec![Op::AwaitQueue(CExpr::Local(0), QueueOp::Get, None, result), Op::Return(Some(CExpr::Local(2)))],
        vec![Op::AwaitQueue(CExpr::Local(0), QueueOp::Put, Some(Box::new(CExpr::Local(1))), None), Op::Return(None)],
        vec![Op::AwaitQueue(CExpr::Local(0), QueueOp::Join, None, None), Op::Return(None)],
    ];
    let mut coros: Vec<CoroCode> = ops
        .into_iter()
        .zip(METHOD_COROUTINES)
        .map(|(code, name)| builtin(name, vec![None, None], &["self", "item", "result"], code))
        .collect();
    // `asyncio.sleep(delay, result=None)` as a coroutine object (for
    // `wait_for`, `gather`, `spawn`, a variable): index [`SLEEP_COROUTINE`].
    let sleep = vec![Op::Sleep(CExpr::Local(0), NO_SITE), Op::Return(Some(CExpr::Local(1)))];
    coros.push(builtin("sleep", vec![None, Some(CExpr::Const(Value::None))], &["delay", "result"], sleep));
    // `asyncio.wait_for(fut, timeout)` from 3.12 (gh-96764), with a
    // positive or no timeout: `async with timeouts.timeout(timeout):
    // return await fut`, run in the caller's task. Index
    // [`WAIT_FOR_COROUTINE`]; locals: fut, timeout, the result, the
    // timeout's slot.
    let (result, slot) = (Some(Target::Local(2)), 3);
    let wait_for = vec![
        Op::TimeoutEnter(CExpr::Local(1), slot),
        Op::PushFinally(5),
        Op::Await(CExpr::Local(0), result),
        Op::PopHandler,
        Op::EnterFinally,
        Op::TimeoutExit(slot),
        Op::EndFinally,
        Op::Return(Some(CExpr::Local(2))),
    ];
    coros.push(builtin("wait_for", vec![None, None], &["fut", "timeout", "result", "timeout manager"], wait_for));
    coros
}

/// One of asyncio's own coroutines, compiled into asim's instructions:
/// `defaults` of its parameters, then its other locals, named by `locals`.
fn builtin(name: &str, defaults: Vec<Option<CExpr>>, locals: &[&str], code: Vec<Op>) -> CoroCode {
    CoroCode {
        def_at: 0,
        name: name.to_owned(),
        defaults,
        n_locals: locals.len() as u32,
        local_names: locals.iter().map(|s| (*s).to_owned()).collect(),
        n_iters: 0,
        n_groups: 0,
        code: code.into_iter().map(|op| Instr { op, span: 0..0 }).collect(),
        builtin: true,
        is_fn: false,
        args_in_frame: false,
        unpacks: Vec::new(),
        items: Vec::new(),
    }
}

/// Where `asyncio.sleep` is among the coroutines [`method_coroutines`] makes.
pub(crate) const SLEEP_COROUTINE: u32 = METHOD_COROUTINES.len() as u32;
/// Where 3.12's `asyncio.wait_for` is among them.
pub(crate) const WAIT_FOR_COROUTINE: u32 = SLEEP_COROUTINE + 1;
