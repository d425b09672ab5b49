//! Queue, LifoQueue and PriorityQueue, as `queues.py` in 3.11.7 has them,
//! with 3.13's `shutdown()` (gh-96471), which changes nothing else.
//!
//! Getters and putters wait on plain futures in FIFO deques; waking one
//! removes it from its deque at once (unlike the locks), and a woken task
//! that finds the queue empty (or full) again goes back to the *tail*, so a
//! newcomer can barge. `join()` waits on the queue's `_finished` Event, an
//! internal Event primitive of its own.

use super::exec::Flow;
use super::*;
use crate::value::ops;

/// Which container a queue uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QueueKind {
    Fifo,
    Lifo,
    Priority,
}

/// A queue's state.
#[derive(Debug)]
pub(crate) struct QueueState {
    pub(crate) kind: QueueKind,
    pub(crate) maxsize: i64,
    pub(crate) items: VecDeque<Value>,
    pub(crate) getters: VecDeque<FutId>,
    pub(crate) putters: VecDeque<FutId>,
    pub(crate) unfinished: i64,
    /// The internal Event primitive behind `join()`.
    pub(crate) finished: u32,
    /// `_is_shutdown` (3.13): `shutdown()` was called.
    pub(crate) shutdown: bool,
}

/// A task waiting in `Queue.get()` / `put()`.
#[derive(Debug, Clone)]
pub(crate) struct QueueWait {
    pub(crate) prim: u32,
    pub(crate) fut: FutId,
    pub(crate) op: QueueOp,
    /// The item being put.
    pub(crate) item: Option<Value>,
    pub(crate) bind: Option<Target>,
}

fn lt(a: &Value, b: &Value) -> Result<bool, Exc> {
    Ok(ops::compare(a, b, "<")? == Some(std::cmp::Ordering::Less))
}

/// C heapq's `siftdown`, swapping as it goes (so an exception from `<`
/// leaves the same list CPython leaves).
fn sift_down(heap: &mut VecDeque<Value>, start: usize, mut pos: usize) -> Result<(), Exc> {
    while pos > start {
        let parent = (pos - 1) >> 1;
        if !lt(&heap[pos], &heap[parent])? {
            break;
        }
        heap.swap(pos, parent);
        pos = parent;
    }
    Ok(())
}

/// C heapq's `siftup`.
fn sift_up(heap: &mut VecDeque<Value>, mut pos: usize) -> Result<(), Exc> {
    let end = heap.len();
    let start = pos;
    let limit = end >> 1;
    while pos < limit {
        let mut child = 2 * pos + 1;
        if child + 1 < end && !lt(&heap[child], &heap[child + 1])? {
            child += 1;
        }
        heap.swap(child, pos);
        pos = child;
    }
    sift_down(heap, start, pos)
}

impl QueueState {
    pub(crate) fn full(&self) -> bool {
        self.maxsize > 0 && self.items.len() as i64 >= self.maxsize
    }

    /// `_put`.
    fn put(&mut self, item: Value) -> Result<(), Exc> {
        self.items.push_back(item);
        if self.kind == QueueKind::Priority {
            let last = self.items.len() - 1;
            sift_down(&mut self.items, 0, last)?;
        }
        Ok(())
    }

    /// `_get`.
    fn get(&mut self) -> Result<Value, Exc> {
        Ok(match self.kind {
            QueueKind::Fifo => self.items.pop_front().expect("not empty"),
            QueueKind::Lifo => self.items.pop_back().expect("not empty"),
            QueueKind::Priority => {
                let last = self.items.pop_back().expect("not empty");
                if self.items.is_empty() {
                    return Ok(last);
                }
                let top = std::mem::replace(&mut self.items[0], last);
                sift_up(&mut self.items, 0)?;
                top
            }
        })
    }
}

fn queue_full() -> Exc {
    ExcObj::new(ExcClass::QueueFull, vec![])
}

fn queue_empty() -> Exc {
    ExcObj::new(ExcClass::QueueEmpty, vec![])
}

fn queue_shut_down() -> Exc {
    ExcObj::new(ExcClass::QueueShutDown, vec![])
}

impl Vm<'_> {
    pub(crate) fn queue(&mut self, prim: u32) -> &mut QueueState {
        match &mut self.prims[prim as usize] {
            Prim::Queue(q) => q,
            _ => unreachable!("a queue"),
        }
    }

    /// `Queue._wakeup_next(waiters)`: pop until one is not done, wake it.
    fn wakeup_next(&mut self, prim: u32, getters: bool) {
        loop {
            let q = self.queue(prim);
            let w = if getters { q.getters.pop_front() } else { q.putters.pop_front() };
            let Some(w) = w else { return };
            if !self.futs[w as usize].done() {
                self.set_result(w, Value::None);
                return;
            }
        }
    }

    /// `put_nowait(item)`.
    pub(crate) fn put_nowait(&mut self, prim: u32, item: Value) -> Result<(), Exc> {
        let q = self.queue(prim);
        if q.shutdown {
            return Err(queue_shut_down());
        }
        if q.full() {
            return Err(queue_full());
        }
        q.put(item)?;
        q.unfinished += 1;
        let fin = q.finished;
        if let Prim::Event { flag, .. } = &mut self.prims[fin as usize] {
            *flag = false;
        }
        let before = self.prim_op(Op::Put, prim);
        self.wakeup_next(prim, true);
        self.set_cause(before);
        Ok(())
    }

    /// `get_nowait()`.
    pub(crate) fn get_nowait(&mut self, prim: u32) -> Result<Value, Exc> {
        let q = self.queue(prim);
        if q.items.is_empty() {
            return Err(if q.shutdown { queue_shut_down() } else { queue_empty() });
        }
        let item = q.get()?;
        let before = self.prim_op(Op::Get, prim);
        self.wakeup_next(prim, false);
        self.set_cause(before);
        Ok(item)
    }

    /// `task_done()`.
    pub(crate) fn queue_task_done(&mut self, prim: u32) -> Result<(), Exc> {
        let q = self.queue(prim);
        if q.unfinished <= 0 {
            return Err(ops::value_error("task_done() called too many times"));
        }
        q.unfinished -= 1;
        let fin = (q.unfinished == 0).then_some(q.finished);
        let before = self.prim_op(Op::TaskDone, prim);
        if let Some(fin) = fin {
            self.event_set(fin);
        }
        self.set_cause(before);
        Ok(())
    }

    /// `shutdown(immediate)` (3.13): from now on puts raise QueueShutDown,
    /// and so do gets once the queue is empty (at once, when `immediate`
    /// drains it, counting each item dropped as done). Every waiting getter
    /// is woken, then every waiting putter, to find that out.
    pub(crate) fn queue_shutdown(&mut self, prim: u32, immediate: bool) -> Result<(), Exc> {
        let before = self.prim_op(Op::Shutdown, prim);
        let q = self.queue(prim);
        q.shutdown = true;
        if immediate {
            while !q.items.is_empty() {
                q.get()?;
                if q.unfinished > 0 {
                    q.unfinished -= 1;
                }
            }
            if q.unfinished == 0 {
                let fin = q.finished;
                self.event_set(fin);
            }
        }
        for getters in [true, false] {
            let q = self.queue(prim);
            let waiters = std::mem::take(if getters { &mut q.getters } else { &mut q.putters });
            for w in waiters {
                if !self.futs[w as usize].done() {
                    self.set_result(w, Value::None);
                }
            }
        }
        self.set_cause(before);
        Ok(())
    }

    /// The loop of `put()` / `get()`: wait while full / empty, else do it.
    pub(crate) fn queue_op(
        &mut self,
        t: TaskId,
        prim: u32,
        name: &str,
        op: QueueOp,
        item: Option<Value>,
        bind: Option<Target>,
    ) -> Result<Flow, Exc> {
        match op {
            QueueOp::Get => {
                if self.queue(prim).items.is_empty() {
                    if self.queue(prim).shutdown {
                        return Err(queue_shut_down());
                    }
                    let fut = self.new_fut(FutKind::Plain);
                    self.queue(prim).getters.push_back(fut);
                    self.record(t, EventKind::Wait(WaitOn::Queue(name, "an item")));
                    self.tasks[t as usize].resume =
                        Resume::Queue(Box::new(QueueWait { prim, fut, op, item: None, bind }));
                    return Ok(Flow::Suspend(fut));
                }
                let v = self.get_nowait(prim)?;
                self.bind_value_pub(t, &bind, v)
            }
            QueueOp::Put => {
                let item = item.expect("put has an item");
                if self.queue(prim).full() {
                    if self.queue(prim).shutdown {
                        return Err(queue_shut_down());
                    }
                    let fut = self.new_fut(FutKind::Plain);
                    self.queue(prim).putters.push_back(fut);
                    self.record(t, EventKind::Wait(WaitOn::Queue(name, "a free slot")));
                    self.tasks[t as usize].resume =
                        Resume::Queue(Box::new(QueueWait { prim, fut, op, item: Some(item), bind }));
                    return Ok(Flow::Suspend(fut));
                }
                self.put_nowait(prim, item)?;
                self.bind_value_pub(t, &bind, Value::None)
            }
            QueueOp::Join => {
                let fin = self.queue(prim).finished;
                if self.queue(prim).unfinished > 0 {
                    let fut = self.new_fut(FutKind::Plain);
                    if let Prim::Event { waiters, .. } = &mut self.prims[fin as usize] {
                        waiters.push_back(fut);
                    }
                    self.record(t, EventKind::Wait(WaitOn::Queue(name, "every item to be done")));
                    self.tasks[t as usize].resume = Resume::Event { prim: fin, fut, bind };
                    return Ok(Flow::Suspend(fut));
                }
                self.bind_value_pub(t, &bind, Value::None)
            }
        }
    }

    /// Resuming in `put()` / `get()` after waiting on `fut`.
    pub(crate) fn queue_resume(&mut self, t: TaskId, w: QueueWait, exc: Option<Exc>) -> Flow {
        let QueueWait { prim, fut, op, item, bind } = w;
        self.record_wake(t);
        if let Some(e) = exc {
            // except: fut.cancel(); remove it; pass a wake-up on; raise
            self.fut_cancel(fut, None);
            let getters = op == QueueOp::Get;
            let q = self.queue(prim);
            let list = if getters { &mut q.getters } else { &mut q.putters };
            if let Some(i) = list.iter().position(|&f| f == fut) {
                list.remove(i);
            }
            let ready = if getters { !q.items.is_empty() } else { !q.full() };
            if ready && !self.futs[fut as usize].cancelled() {
                self.wakeup_next(prim, getters);
            }
            return self.raise(t, e);
        }
        let name = self.prim_names[prim as usize].to_string();
        match self.queue_op(t, prim, &name, op, item, bind) {
            Ok(f) => f,
            Err(e) => self.raise(t, e),
        }
    }
}
