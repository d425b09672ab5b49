//! Calling a plain function (`functions:`): its frame goes on the running
//! task's stack and runs to its return there and then, inside the
//! expression that calls it, as a Python `def` runs inside a coroutine.

use super::*;

impl Vm<'_> {
    /// `f(args)` for the function `id`; `Value::Unbound` marks an argument
    /// left to its default. Only a task runs functions (the compiler
    /// refuses a call in `vars`).
    pub(crate) fn call_fn(&mut self, t: Option<TaskId>, id: CoroId, mut args: Vec<Value>) -> Result<Value, Exc> {
        let Some(t) = t else {
            return Err(ExcObj::msg(ExcClass::RuntimeError, "a function runs inside the event loop"));
        };
        self.fill_defaults(id, &mut args);
        let depth = self.tasks[t as usize].frames.len();
        if depth >= MAX_FRAMES {
            return Err(ExcObj::msg(ExcClass::RecursionError, "maximum recursion depth exceeded"));
        }
        let mut frame = self.new_frame(id, args);
        let exc_base = self.tasks[t as usize].rare.exc_info().len() as u32;
        if exc_base > 0 {
            frame.x_from(&mut self.spare_extras).exc_base = exc_base;
        }
        self.tasks[t as usize].frames.push(frame);
        let floor = std::mem::replace(&mut self.sync_floor, depth);
        let flow = self.execute(t);
        self.sync_floor = floor;
        match flow {
            Flow::Finished(Ok(v)) => Ok(v),
            Flow::Finished(Err(e)) => {
                self.sync_escaped = Some(e.clone());
                Err(e)
            }
            // A limit stopped the run inside the function: the caller's
            // instruction stops too (`stopped()` is set).
            _ => Err(ExcObj::msg(ExcClass::RuntimeError, "the run stopped inside a function")),
        }
    }

    /// `f(*args)` of a function named as a value (`key=f`, `fs[i](x)`):
    /// positional arguments, Python's messages for a wrong count.
    pub(crate) fn call_def(&mut self, t: Option<TaskId>, id: CoroId, mut args: Vec<Value>) -> Result<Value, Exc> {
        let code = &self.prog.coros[id as usize];
        let np = code.defaults.len();
        let required = code.defaults.iter().position(Option::is_some).unwrap_or(np);
        if args.len() > np {
            return Err(crate::value::ops::too_many_positional(&code.name, np, required, args.len()));
        }
        if args.len() < required {
            let missing: Vec<String> =
                code.local_names[args.len()..required].iter().map(|p| format!("'{p}'")).collect();
            return Err(crate::value::ops::missing_positional(&code.name, &missing));
        }
        args.resize(np, Value::Unbound);
        self.call_fn(t, id, args)
    }
}
