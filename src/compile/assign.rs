//! Assignments compiled: `let`/`set` targets (names, subscriptions, slices,
//! unpacking with `*rest`), chained and augmented assignment, and `del`, in
//! CPython's order of evaluation.

use super::*;

impl Ctx<'_> {
    /// A target; plain names are shared `vars` when `global` (`set`).
    pub(super) fn tgt(&mut self, t: &Tgt, global: bool) -> Target {
        match t {
            Tgt::Name(n) if global => match self.global_target(n) {
                Some(t) => t,
                None => Target::Local(self.hidden("_")),
            },
            Tgt::Name(n) => self.target(n),
            Tgt::Item { obj, index } => {
                let obj = self.code(obj);
                let index = self.index(index);
                self.items.push(ItemTarget { obj, index });
                Target::Item(self.items.len() as u32 - 1)
            }
            Tgt::Seq(ts) => {
                let star = ts.iter().position(|t| matches!(t, Tgt::Star(_))).map(|i| i as u32);
                let targets = ts
                    .iter()
                    .map(|t| match t {
                        Tgt::Star(inner) => self.tgt(inner, global),
                        t => self.tgt(t, global),
                    })
                    .collect();
                let t = self.unpack(targets);
                if let (Target::Unpack(i), Some(_)) = (t, star) {
                    self.unpacks[i as usize].star = star;
                }
                t
            }
            Tgt::Star(inner) => self.tgt(inner, global),
        }
    }

    /// A subscription's index: an expression or slice bounds.
    fn index(&mut self, index: &Code) -> CIndex {
        if let Code::Expr(Expr { kind: ExprKind::Slice { lo, hi, step }, .. }, o) = index {
            let mut part = |x: &Option<Box<Expr>>| x.as_ref().map(|x| self.expr(x, o));
            return CIndex::Slice([part(lo), part(hi), part(step)]);
        }
        CIndex::One(self.code(index))
    }

    /// One `let`/`set` assignment.
    pub(super) fn assignment(&mut self, a: &Assign, global: bool) {
        if let Some(op) = a.aug {
            return self.aug_assignment(&a.targets[0], op, &a.value, global);
        }
        let mut value = self.code(&a.value);
        if a.targets.iter().any(tgt_has_await) {
            // The value is evaluated before the targets' awaits.
            let h = self.hidden("=");
            self.emit(Op::Assign(vec![(Target::Local(h), value)]));
            value = CExpr::Take(h);
        }
        match a.targets.as_slice() {
            [one] => {
                let t = self.tgt(one, global);
                self.emit(Op::Assign(vec![(t, value)]));
            }
            many => {
                // `a = b = v`: the value once, then each target left to right.
                let h = self.hidden("=");
                let mut items = vec![(Target::Local(h), value)];
                for t in many {
                    let t = self.tgt(t, global);
                    items.push((t, CExpr::Local(h)));
                }
                items.push((Target::Local(h), CExpr::Const(Value::Unbound)));
                self.emit(Op::Assign(items));
            }
        }
    }

    /// `target op= value`: a name is loaded, combined and stored; a
    /// subscription evaluates its object and index once, then gets the item,
    /// evaluates the value, combines and stores (CPython's order).
    fn aug_assignment(&mut self, target: &Tgt, op: crate::syntax::expr::BinOp, value: &Code, global: bool) {
        match target {
            Tgt::Name(n) => {
                let load = if global {
                    match self.ch.vars.get(&n.text) {
                        Some(&g) => CExpr::Global(g),
                        None => CExpr::Const(Value::None),
                    }
                } else {
                    self.name(&n.text, n.span.clone())
                };
                let t = self.tgt(target, global);
                let load = if super::lift::code_has_await(value) {
                    // `counter += await f()`: the name is read before the await.
                    let h = self.hidden("+=");
                    self.emit(Op::Assign(vec![(Target::Local(h), load)]));
                    CExpr::Take(h)
                } else {
                    load
                };
                let v = self.code(value);
                self.emit(Op::Assign(vec![(t, CExpr::InPlace(op, Box::new(load), Box::new(v)))]));
            }
            Tgt::Item { obj, index } => {
                let mut items = Vec::new();
                let o = self.hidden("[]");
                items.push((Target::Local(o), self.code(obj)));
                let hold = |cx: &mut Self, e: CExpr, items: &mut Vec<(Target, CExpr)>| {
                    let h = cx.hidden("[]");
                    items.push((Target::Local(h), e));
                    CExpr::Local(h)
                };
                let (current, index) = match self.index(index) {
                    CIndex::One(i) => {
                        let i = hold(self, i, &mut items);
                        (CExpr::Index(Box::new(CExpr::Local(o)), Box::new(i.clone())), CIndex::One(i))
                    }
                    CIndex::Slice(parts) => {
                        let held: [Option<CExpr>; 3] = parts.map(|p| p.map(|p| hold(self, p, &mut items)));
                        let boxed = held.clone().map(|p| p.map(Box::new));
                        (CExpr::Slice(Box::new(CExpr::Local(o)), boxed), CIndex::Slice(held))
                    }
                };
                let mut slots: Vec<Target> = items.iter().map(|(t, _)| *t).collect();
                let current = if super::lift::code_has_await(value) {
                    // `d[k] += await f()`: the item is read before the await.
                    let h = self.hidden("+=");
                    items.push((Target::Local(h), current));
                    self.emit(Op::Assign(std::mem::take(&mut items)));
                    slots.push(Target::Local(h));
                    CExpr::Local(h)
                } else {
                    current
                };
                let v = self.code(value);
                self.items.push(ItemTarget { obj: CExpr::Local(o), index });
                let t = Target::Item(self.items.len() as u32 - 1);
                items.push((t, CExpr::InPlace(op, Box::new(current), Box::new(v))));
                items.extend(slots.into_iter().map(|s| (s, CExpr::Const(Value::Unbound))));
                self.emit(Op::Assign(items));
            }
            Tgt::Seq(_) | Tgt::Star(_) => unreachable!("the parser refuses these in an augmented assignment"),
        }
    }

    /// `del targets`.
    pub(super) fn del(&mut self, targets: &[Tgt]) {
        let ts: Box<[Target]> = targets.iter().map(|t| self.tgt(t, false)).collect();
        self.emit(Op::Del(ts));
    }
}

/// Whether a target has an `await` in an expression (`d[await key()] = v`).
fn tgt_has_await(t: &Tgt) -> bool {
    match t {
        Tgt::Name(_) => false,
        Tgt::Item { obj, index } => super::lift::code_has_await(obj) || super::lift::code_has_await(index),
        Tgt::Seq(ts) => ts.iter().any(tgt_has_await),
        Tgt::Star(t) => tgt_has_await(t),
    }
}
