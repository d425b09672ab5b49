//! A JSON Schema (draft 2020-12) of the scenario format, for editors
//! (`asim schema`; VS Code and others read it through yaml-language-server
//! and show each key's description on hover). It is built from the
//! parser's own tables of top-level keys, verbs and modifiers, so it cannot
//! list a key the parser does not know; a unit test checks that every one
//! has a description.
//!
//! The schema checks the shape (known keys, one verb per step, bodies are
//! lists of steps); what is inside a code field is Python, which only
//! `asim check` reads.

use super::parse::{EXPECT_KEYS, TOP_KEYS, VERBS};
use serde_json::{json, Map, Value};

/// What each verb is, as the format's reference says it.
const VERB_DOCS: &[(&str, &str)] = &[
    ("print", "print(f\"...\"): an f-string template; {expr} fields are Python expressions."),
    ("sleep", "await asyncio.sleep(s): seconds (a number, an expression, or `500ms`); 0 yields to the loop once. `1.0 ± 20%`, `x +- 50ms` or `uniform(0.5, 1.5)` mark it variable for `asim explore`."),
    ("block", "time.sleep(s): the clock advances and the whole loop is stalled; nothing else runs. A spread (`10ms ± 50%`) marks it variable for `asim explore`."),
    ("await", "x = await ...: a coroutine call f(a) (runs inline, no task), a task handle, or a primitive operation such as lock.acquire(), ev.wait(), q.get()."),
    ("spawn", "t = asyncio.create_task(f(...), name=...); inside a task_group body it is tg.create_task(...)."),
    ("gather", "x = await asyncio.gather(...): a list of calls, task handles, *lists, or {for: \"i in range(n)\", call: \"f(i)\"}."),
    ("wait", "done, pending = await asyncio.wait([...], timeout=..., return_when=...)."),
    ("task_group", "async with asyncio.TaskGroup() as tg: the steps of the body; `as: tg` names the group (tg.create_task(...), or pass it to a coroutine)."),
    ("with", "async with PRIMITIVE: (Lock, Semaphore, BoundedSemaphore, Condition); the body is `do`."),
    ("do", "A synchronous call: ev.set(), lock.release(), q.put_nowait(x), t.cancel(), tasks.append(t), ..."),
    ("let", "Assignment: a map of target to Python expression ({total: total + 1}, {\"cache[key]\": v}), or the Python statement as a string (\"stats['ok'] += 1\", \"a, *rest = xs\"), or a list of such strings. Plain names are locals."),
    ("set", "Assignment whose plain names are shared variables declared in `vars` (global x; x += 1): the same forms as `let`."),
    ("del", "del TARGETS: a name, a subscription or slice (d[k], xs[1:3]), or several separated by commas."),
    ("return", "return EXPR."),
    (
        "raise",
        "raise EXC: ValueError(\"boom\"), a bare class name, `EXC from CAUSE` (or `from None`), or empty to re-raise.",
    ),
    ("try", "try: the steps; with `except` (or `except_star`), `else` and `finally`."),
    ("timeout", "async with asyncio.timeout(s): the body is `do`; null means no timeout."),
    ("wait_for", "x = await asyncio.wait_for(AWAITABLE, timeout)."),
    ("if", "if EXPR: `then` steps, optional `else` steps."),
    ("for", "for NAME in EXPR: (tuple targets such as `i, x in enumerate(xs)` allowed); the body is `do`."),
    ("while", "while EXPR: the body is `do`."),
    ("assert", "assert EXPR, f\"message\"."),
    ("break", "break: leave the innermost loop (also written as a bare `- break`)."),
    ("continue", "continue: the innermost loop's next iteration (also a bare `- continue`)."),
];

/// What each modifier is.
const MODIFIER_DOCS: &[(&str, &str)] = &[
    ("as", "The name the result is bound to."),
    ("name", "The task's name (an f-string template), as create_task(..., name=...)."),
    ("return_exceptions", "gather(..., return_exceptions=True): exceptions become results."),
    ("timeout", "Seconds, or null for none."),
    ("return_when", "FIRST_COMPLETED, FIRST_EXCEPTION or ALL_COMPLETED."),
    ("do", "The body: a list of steps."),
    ("then", "The steps run when the condition is true."),
    ("elif", "elif branches: a list of {if: CONDITION, then: [steps]}, tried in order."),
    ("else", "The steps run otherwise (if), when the try body raised nothing (try), or when the loop ended without break (for, while)."),
    ("except", "Handlers: a list of {match: ExcType | [A, B], as: name, do: [steps]}; no match catches BaseException."),
    ("except_star", "except* handlers: like `except`, and `match` is required."),
    ("finally", "The steps that always run."),
    ("message", "The assertion's message (an f-string template)."),
];

const TOP_DOCS: &[(&str, &str)] = &[
    ("name", "The scenario's name; defaults to the file name."),
    ("description", "Free text."),
    ("python", "The CPython release whose asyncio the run reproduces: \"3.11\", \"3.12\", \"3.13\" or \"3.14\" (the default, the newest); `asim run --python` overrides it."),
    ("seed", "The seed of Python's `random` module, an int: the run starts with random.seed(seed), so random.random(), uniform(), choice() and the rest give CPython's numbers."),
    ("exceptions", "Exception classes of the scenario: name to base class, e.g. `RetryableError: ConnectionError` for `class RetryableError(ConnectionError): pass`."),
    ("vars", "Shared (global) variables: name to initial value (Python)."),
    ("sync", "Primitives shared by every coroutine: name to constructor, e.g. Lock(), Semaphore(2), Event(), Queue(maxsize=3), Condition(lock), Barrier(3)."),
    ("functions", "def name(params): plain functions, called for their value in expressions; they cannot await. `name(param, param=default)` to its body, a list of steps."),
    ("coroutines", "async def name(params): `name(param, param=default)` to its body, a list of steps."),
    ("main", "The body of main(), run as asyncio.run(main())."),
    ("expect", "What the run must do, checked by asim run and asim test: outcome, elapsed, prints, never_prints, max_tasks."),
    ("allow", "Warning ids `asim check` must not report anywhere in the scenario: one id or a list (`allow: [fire-and-forget]`)."),
];

/// The `allow` key: one warning id or a list of them.
fn allow_value(description: &str) -> Value {
    let ids: Vec<&str> = super::allow::IDS.iter().map(|(k, _)| *k).collect();
    let list = super::allow::IDS.iter().map(|(k, d)| format!("{k}: {d}")).collect::<Vec<_>>().join("; ");
    json!({
        "description": format!("{description} The ids: {list}."),
        "anyOf": [{ "enum": ids }, { "type": "array", "items": { "enum": ids } }],
    })
}

const EXPECT_DOCS: &[(&str, &str)] = &[
    ("outcome", "ok, deadlock, limit, error, \"error: ValueError\", or {error: ValueError, message: ...}."),
    ("elapsed", "The elapsed virtual seconds: a number (within 1e-9), [min, max], or {min: .., max: ..}."),
    ("prints", "Lines that must be printed, in this order (other lines may come between)."),
    ("never_prints", "Lines that must never be printed."),
    ("max_tasks", "The most tasks the run may create, main included."),
];

fn doc(table: &[(&str, &'static str)], key: &str) -> &'static str {
    // A missing entry is caught by the unit test.
    table.iter().find(|(k, _)| *k == key).map_or("", |(_, d)| *d)
}

/// A code field: Python inside YAML (a string, or a YAML number, boolean
/// or null that stands for itself).
fn code(description: &str) -> Value {
    json!({ "description": description })
}

fn steps_ref(description: &str) -> Value {
    json!({ "description": description, "$ref": "#/$defs/steps" })
}

fn verb_value(verb: &str) -> Value {
    let d = doc(VERB_DOCS, verb);
    match verb {
        "task_group" | "try" => steps_ref(d),
        "let" | "set" => json!({
            "description": d,
            "anyOf": [{ "type": "object" }, { "type": "string" }, { "type": "array", "items": { "type": "string" } }]
        }),
        "del" => {
            json!({ "description": d, "anyOf": [{ "type": "string" }, { "type": "array", "items": { "type": "string" } }] })
        }
        "gather" | "wait" => json!({ "description": d, "type": "array" }),
        "print" | "with" | "await" | "spawn" | "wait_for" | "for" | "do" => {
            json!({ "description": d, "type": ["string", "number", "boolean"] })
        }
        _ => code(d),
    }
}

fn modifier_value(modifier: &str) -> Value {
    let d = doc(MODIFIER_DOCS, modifier);
    match modifier {
        "do" | "then" | "else" | "finally" => steps_ref(d),
        "except" | "except_star" => {
            json!({ "description": d, "type": "array", "items": { "$ref": "#/$defs/handler" } })
        }
        "elif" => json!({
            "description": d,
            "type": "array",
            "items": {
                "type": "object",
                "required": ["if"],
                "properties": { "if": code("The branch's condition."), "then": steps_ref("The branch's steps.") },
                "additionalProperties": false,
            },
        }),
        "as" => json!({ "description": d, "type": "string" }),
        _ => code(d),
    }
}

/// The whole schema.
pub(crate) fn schema() -> Value {
    let mut verbs = Vec::new();
    for (verb, mods) in VERBS {
        let mut props = Map::new();
        props.insert((*verb).to_owned(), verb_value(verb));
        for m in *mods {
            props.insert((*m).to_owned(), modifier_value(m));
        }
        props.insert(
            "allow".to_owned(),
            allow_value("Warning ids `asim check` must not report about this step (its body included)."),
        );
        verbs.push(json!({
            "title": verb,
            "description": doc(VERB_DOCS, verb),
            "type": "object",
            "required": [verb],
            "properties": props,
            "additionalProperties": false,
        }));
    }
    let mut top = Map::new();
    for key in TOP_KEYS {
        let d = doc(TOP_DOCS, key);
        let v = match *key {
            "name" | "description" => json!({ "description": d, "type": "string" }),
            "vars" => json!({ "description": d, "type": ["object", "null"] }),
            "seed" => json!({ "description": d, "type": "integer" }),
            // A release, quoted or not (YAML reads `3.12` as a number).
            #[allow(clippy::approx_constant)] // 3.14 is a Python release, not pi
            "python" => json!({ "description": d, "enum": ["3.11", "3.12", "3.13", "3.14", 3.11, 3.12, 3.13, 3.14] }),
            "exceptions" => json!({
                "description": d,
                "type": ["object", "null"],
                "propertyNames": { "pattern": "^[A-Za-z_][A-Za-z0-9_]*$" },
                "additionalProperties": { "type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_.]*$" },
            }),
            "sync" => {
                json!({ "description": d, "type": ["object", "null"], "additionalProperties": { "type": "string" } })
            }
            "coroutines" | "functions" => json!({
                "description": d,
                "type": ["object", "null"],
                "propertyNames": { "pattern": "^[A-Za-z_][A-Za-z0-9_]*\\s*(\\(.*\\))?$" },
                "additionalProperties": { "$ref": "#/$defs/steps" },
            }),
            "main" => steps_ref(d),
            "expect" => json!({ "description": d, "$ref": "#/$defs/expect" }),
            "allow" => allow_value(d),
            _ => code(d),
        };
        top.insert((*key).to_owned(), v);
    }
    let mut expect = Map::new();
    for key in EXPECT_KEYS {
        let d = doc(EXPECT_DOCS, key);
        let v = match *key {
            "outcome" => json!({
                "description": d,
                "anyOf": [
                    { "type": "string", "pattern": "^(ok|deadlock|limit|error)$|^error[: ]\\s*[A-Za-z_][A-Za-z0-9_.]*$" },
                    { "type": "object", "required": ["error"], "properties": {
                        "error": { "type": ["string", "null"] }, "message": { "type": "string" } },
                      "additionalProperties": false },
                ],
            }),
            "elapsed" => json!({
                "description": d,
                "anyOf": [
                    { "type": "number", "minimum": 0 },
                    { "type": "string" },
                    { "type": "array", "minItems": 2, "maxItems": 2 },
                    { "type": "object", "properties": { "min": {}, "max": {} }, "additionalProperties": false },
                ],
            }),
            "prints" | "never_prints" => {
                json!({ "description": d, "type": ["array", "string"], "items": { "type": ["string", "number", "boolean"] } })
            }
            "max_tasks" => json!({ "description": d, "type": "integer", "minimum": 0 }),
            _ => code(d),
        };
        expect.insert((*key).to_owned(), v);
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://asim.invalid/scenario.schema.json",
        "title": "asim scenario",
        "description": "An asyncio program as a YAML scenario, run by asim on a virtual clock (docs/format.md).",
        "type": "object",
        "required": ["main"],
        "properties": top,
        "additionalProperties": false,
        "$defs": {
            "steps": {
                "type": ["array", "null"],
                "items": { "anyOf": [{ "$ref": "#/$defs/step" }, { "enum": ["break", "continue"] }] },
            },
            "step": {
                "description": "A step: a map with exactly one verb and that verb's modifiers.",
                "type": "object",
                "minProperties": 1,
                "oneOf": verbs,
            },
            "handler": {
                "type": "object",
                "properties": {
                    "match": { "description": "The exception type, or a list of types." },
                    "as": { "description": "The name the exception is bound to.", "type": "string" },
                    "do": steps_ref("The handler's steps."),
                },
                "additionalProperties": false,
            },
            "expect": { "type": "object", "properties": expect, "additionalProperties": false },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_the_parser_knows_has_a_description() {
        for (verb, mods) in VERBS {
            assert!(!doc(VERB_DOCS, verb).is_empty(), "verb {verb}");
            for m in *mods {
                assert!(!doc(MODIFIER_DOCS, m).is_empty(), "modifier {m}");
            }
        }
        for k in TOP_KEYS {
            assert!(!doc(TOP_DOCS, k).is_empty(), "top-level key {k}");
        }
        for k in EXPECT_KEYS {
            assert!(!doc(EXPECT_DOCS, k).is_empty(), "expect key {k}");
        }
    }
}
